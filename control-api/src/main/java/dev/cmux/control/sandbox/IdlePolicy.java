package dev.cmux.control.sandbox;

import java.time.Duration;
import java.util.Set;

/**
 * What happens to a running sandbox that nobody has used for a while: after {@code after} without a request or a
 * byte on an upgraded connection, it is suspended or stopped, and the next request wakes it again.
 *
 * @param after  how long without traffic; zero: never
 * @param action {@link #SUSPEND} (CRIU checkpoint; falls back to stop where PVE cannot) or {@link #STOP}
 */
public record IdlePolicy(Duration after, String action) {

    public static final String SUSPEND = PowerAction.SUSPEND.pveName();
    public static final String STOP = PowerAction.STOP.pveName();
    public static final Set<String> ACTIONS = Set.of(SUSPEND, STOP);
    public static final IdlePolicy NEVER = new IdlePolicy(Duration.ZERO, STOP);

    public IdlePolicy {
        if (after == null || after.isNegative()) {
            throw new IllegalArgumentException("idle after must be zero or positive");
        }
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("idle action must be suspend or stop, not " + action);
        }
    }

    public boolean enabled() {
        return !after.isZero();
    }
}
