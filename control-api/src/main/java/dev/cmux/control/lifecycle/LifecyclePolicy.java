package dev.cmux.control.lifecycle;

import dev.cmux.control.sandbox.IdlePolicy;

import java.time.Duration;

/**
 * The gateway's defaults for sandboxes that carry no setting of their own (config {@code lifecycle:}). Read again
 * at every pass, so a reload applies to every sandbox that follows the defaults.
 *
 * @param autoStop   suspend or stop a running sandbox after this long without traffic; {@code after: 0s}: never
 * @param autoDelete destroy a sandbox after this long stopped; zero: never (the default: nothing is lost)
 */
public record LifecyclePolicy(IdlePolicy autoStop, Duration autoDelete) {

    public static final LifecyclePolicy NOTHING = new LifecyclePolicy(IdlePolicy.NEVER, Duration.ZERO);

    public LifecyclePolicy {
        if (autoStop == null || autoDelete == null || autoDelete.isNegative()) {
            throw new IllegalArgumentException("autoStop and autoDelete (zero or more) are required");
        }
    }
}
