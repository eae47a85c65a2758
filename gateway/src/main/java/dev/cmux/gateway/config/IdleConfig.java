package dev.cmux.gateway.config;

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
}
