package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;
import dev.cmux.control.sandbox.IdlePolicy;

import java.time.Duration;

/**
 * Idle scale-to-zero (README "Wake and idle"): running sandboxes without traffic for a while are suspended or
 * stopped, and woken again by the next request. A sandbox's own {@code idle} metadata overrides {@code policy}.
 *
 * @param policy        the default for sandboxes without their own; {@code after: 0s} (the default): never
 * @param checkInterval how often the gateway looks for idle sandboxes
 */
public record IdleConfig(IdlePolicy policy, Duration checkInterval) {

    public static IdleConfig defaults() {
        return new IdleConfig(new IdlePolicy(Duration.ZERO, IdlePolicy.SUSPEND), Duration.ofSeconds(60));
    }

    static IdleConfig read(ConfigSection s) {
        s.allowOnly("after", "action", "checkInterval");
        IdleConfig d = defaults();
        return new IdleConfig(new IdlePolicy(s.value("after", IdleConfig::zeroOrMore, d.policy().after()),
                s.value("action", IdleConfig::action, d.policy().action())),
                s.value("checkInterval", ConfigValues::duration, d.checkInterval()));
    }

    private static Duration zeroOrMore(String text) {
        return "0".equals(text.trim()) ? Duration.ZERO : ConfigValues.duration(text);
    }

    private static String action(String text) {
        if (!IdlePolicy.ACTIONS.contains(text)) {
            throw new IllegalArgumentException("must be suspend or stop");
        }
        return text;
    }
}
