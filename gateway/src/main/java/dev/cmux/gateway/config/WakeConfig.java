package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

import java.time.Duration;

/**
 * Wake-on-HTTP (README "Wake and idle"): a request for a stopped sandbox starts it. Needs PVE.
 *
 * @param enabled    wake stopped or suspended sandboxes (tagged {@code cmux}) when a request arrives for them
 * @param timeout    how long a request that is not from a browser waits for the woken sandbox's port; then 503
 * @param retryAfter the {@code Retry-After} of those 503s and how often the starting page reloads itself
 * @param maxWakes   wakes of one sandbox within {@code window}; more get 503 {@code wake-limited} (a sandbox that
 *                   crashes after each start must not be started forever)
 * @param window     see {@code maxWakes}
 */
public record WakeConfig(boolean enabled, Duration timeout, Duration retryAfter, int maxWakes, Duration window) {

    public static WakeConfig defaults() {
        return new WakeConfig(true, Duration.ofSeconds(60), Duration.ofSeconds(2), 6, Duration.ofMinutes(10));
    }

    static WakeConfig read(ConfigSection s) {
        s.allowOnly("enabled", "timeout", "retryAfter", "maxWakes", "window");
        WakeConfig d = defaults();
        return new WakeConfig(s.value("enabled", ConfigValues::bool, d.enabled()),
                s.value("timeout", ConfigValues::duration, d.timeout()),
                s.value("retryAfter", WakeConfig::wholeSeconds, d.retryAfter()),
                s.value("maxWakes", ConfigValues::positiveInt, d.maxWakes()),
                s.value("window", ConfigValues::duration, d.window()));
    }

    /** Retry-After is whole seconds. */
    private static Duration wholeSeconds(String text) {
        Duration d = ConfigValues.duration(text);
        if (d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("must be whole seconds, e.g. 2s");
        }
        return d;
    }
}
