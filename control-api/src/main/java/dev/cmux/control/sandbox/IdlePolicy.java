package dev.cmux.control.sandbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What happens to a running sandbox that nobody has used for a while: after {@code after} without a request or a
 * byte on an upgraded connection, it is put to sleep, and the next request wakes it again. A policy may chain
 * deeper levels ({@code then}): a VM paused after 10 min, hibernated after 2 h, stopped after a day, each counted
 * from the start of the idle time.
 *
 * @param after  how long without traffic; zero: never
 * @param action {@link #PAUSE} (a VM's RAM kept, CPU freed), {@link #HIBERNATE} (a VM's RAM to disk),
 *               {@link #SUSPEND} (a container's CRIU checkpoint; a VM's pause), or {@link #STOP}; where PVE cannot
 *               do it, the sandbox is stopped
 * @param then   the next, deeper level, with a longer {@code after}; null: none
 */
public record IdlePolicy(Duration after, String action, IdlePolicy then) {

    public static final String SUSPEND = PowerAction.SUSPEND.pveName();
    public static final String STOP = PowerAction.STOP.pveName();
    public static final String PAUSE = PowerAction.PAUSE.pveName();
    public static final String HIBERNATE = PowerAction.HIBERNATE.pveName();
    /** Lightest first: a chain only goes deeper. */
    private static final List<String> DEPTH = List.of(PAUSE, SUSPEND, HIBERNATE, STOP);
    public static final Set<String> ACTIONS = Set.copyOf(DEPTH);
    public static final IdlePolicy NEVER = new IdlePolicy(Duration.ZERO, STOP);

    public IdlePolicy {
        if (after == null || after.isNegative()) {
            throw new IllegalArgumentException("idle after must be zero or positive");
        }
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("idle action must be one of pause, suspend, hibernate or stop, not "
                    + action);
        }
        if (then != null && (then.after.compareTo(after) <= 0 || DEPTH.indexOf(then.action) <= DEPTH.indexOf(action)
                || after.isZero())) {
            throw new IllegalArgumentException("a chained idle step comes later and goes deeper: " + then.action
                    + " after " + then.after + " cannot follow " + action + " after " + after);
        }
    }

    public IdlePolicy(Duration after, String action) {
        this(after, action, null);
    }

    public boolean enabled() {
        return !after.isZero();
    }

    /** The step of this chain that put a sandbox into sleep {@code state} ({@code paused}, {@code hibernated}). */
    public Optional<IdlePolicy> stepInto(String state) {
        String action = SandboxState.PAUSED.equals(state) ? PAUSE : SandboxState.HIBERNATED.equals(state) ? HIBERNATE
                : null;
        for (IdlePolicy step = this; step != null && action != null; step = step.then) {
            if (step.action.equals(action) || step.action.equals(SUSPEND) && action.equals(PAUSE)) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /** {@code {"after":"PT10M","action":"pause","then":{…}}}: the metadata's and the API's shape. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("after", after.toString());
        json.put("action", action);
        if (then != null) {
            json.put("then", then.toJson());
        }
        return json;
    }
}
