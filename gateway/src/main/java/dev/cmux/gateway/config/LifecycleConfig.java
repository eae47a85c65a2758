package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;
import dev.cmux.control.lifecycle.LifecyclePolicy;
import dev.cmux.control.sandbox.IdlePolicy;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The sandbox lifecycle (README "Sandbox lifecycle"): auto-stop after inactivity, auto-delete after so long stopped,
 * a TTL from creation. Each is the default for sandboxes without a setting of their own (create, {@code PATCH}).
 * The defaults lose nothing: auto-stop, auto-delete and TTL are all off.
 *
 * @param policy        auto-stop and auto-delete, applied at every pass (a reload applies to every sandbox)
 * @param ttl           the TTL written into sandboxes created without one; null: none. Read at start.
 * @param checkInterval how often the gateway looks at every sandbox
 */
public record LifecycleConfig(LifecyclePolicy policy, Duration ttl, Duration checkInterval) {

    /** The keys of the former {@code idle:} section, and where each went. */
    public static final String IDLE_MOVED = "moved to lifecycle: (idle.after -> lifecycle.autoStop.after, "
            + "idle.action -> lifecycle.autoStop.action, idle.checkInterval -> lifecycle.checkInterval)";
    private static final Set<String> OFF = Set.of("off", "false", "0", "0s", "never");

    public static LifecycleConfig defaults() {
        return new LifecycleConfig(new LifecyclePolicy(new IdlePolicy(Duration.ZERO, IdlePolicy.SUSPEND),
                Duration.ZERO), null, Duration.ofSeconds(60));
    }

    /**
     * The former {@code idle:} section, still read (every config installed before {@code lifecycle:} has one, and an
     * upgrade must not stop the gateway): its keys mean what they meant, the rest is off. The gateway warns at start.
     */
    static LifecycleConfig fromIdle(ConfigSection s) {
        s.allowOnly("after", "action", "checkInterval");
        LifecycleConfig d = defaults();
        IdlePolicy stop = new IdlePolicy(s.value("after", LifecycleConfig::offOrDuration,
                d.policy().autoStop().after()), s.value("action", LifecycleConfig::action,
                d.policy().autoStop().action()));
        return new LifecycleConfig(new LifecyclePolicy(stop, Duration.ZERO), null,
                s.value("checkInterval", LifecycleConfig::positive, d.checkInterval()));
    }

    static LifecycleConfig read(ConfigSection s) {
        s.allowOnly("checkInterval", "autoStop", "autoDelete", "ttl");
        LifecycleConfig d = defaults();
        IdlePolicy stop = autoStop(s.section("autoStop"), d.policy().autoStop());
        Duration ttl = s.value("ttl", LifecycleConfig::offOrDuration, Duration.ZERO);
        return new LifecycleConfig(new LifecyclePolicy(stop,
                s.value("autoDelete", LifecycleConfig::offOrDuration, d.policy().autoDelete())),
                ttl.isZero() ? null : ttl,
                s.value("checkInterval", LifecycleConfig::positive, d.checkInterval()));
    }

    /**
     * {@code after}, {@code action} and a chained deeper step {@code then} (same keys, a longer {@code after}), e.g.
     * pause after 10m, then hibernate after 2h, then stop after 1d.
     */
    private static IdlePolicy autoStop(ConfigSection s, IdlePolicy fallback) {
        s.allowOnly("after", "action", "then");
        IdlePolicy then = s.has("then") ? autoStop(s.section("then"), IdlePolicy.NEVER) : null;
        Duration after = s.value("after", LifecycleConfig::offOrDuration, fallback.after());
        String action = s.value("action", LifecycleConfig::action, fallback.action());
        try {
            return new IdlePolicy(after, action, then);
        } catch (IllegalArgumentException e) {
            s.problem("then", e.getMessage());
            return new IdlePolicy(after, action);
        }
    }

    /** A duration, or off (zero). YAML 1.1 reads a bare {@code off} as false: both mean off. */
    private static Duration offOrDuration(String text) {
        return OFF.contains(text.trim().toLowerCase(Locale.ROOT)) ? Duration.ZERO : ConfigValues.duration(text);
    }

    private static Duration positive(String text) {
        Duration d = ConfigValues.duration(text);
        if (d.isZero()) {
            throw new IllegalArgumentException("must be more than 0");
        }
        return d;
    }

    private static String action(String text) {
        if (!IdlePolicy.ACTIONS.contains(text)) {
            throw new IllegalArgumentException("must be pause, suspend, hibernate or stop");
        }
        return text;
    }
}
