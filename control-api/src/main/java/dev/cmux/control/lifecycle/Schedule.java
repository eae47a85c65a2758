package dev.cmux.control.lifecycle;

import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxMetadata;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The one rule of the lifecycle: from a sandbox as PVE reports it, its metadata and the gateway's defaults, what
 * happens next and when. The reaper acts on it, the API shows it.
 * <ul>
 *   <li>{@code protected}, no metadata (orphans) or a PVE lock: nothing.</li>
 *   <li>{@code ttl}: at {@code created + ttl}, destroy; or stop when its {@code idlePolicy} is {@code stop} (and it
 *       runs); nothing when {@code keep}.</li>
 *   <li>{@code autoStop}, while it runs: its first step (pause, suspend, hibernate or stop) at
 *       {@code idleSince + after}; asleep at a step's level (a VM paused or hibernated), the chain's next step at
 *       {@code stoppedAt + (next.after - step.after)}: each step's {@code after} counts from the start of the idle
 *       time.</li>
 *   <li>{@code autoDelete}, while it is stopped: destroy at {@code stoppedAt + autoDelete}.</li>
 * </ul>
 * The earliest wins; at the same instant the destroy.
 */
final class Schedule {

    private static final Comparator<NextAction> FIRST = Comparator.comparing(NextAction::at)
            .thenComparing(a -> !NextAction.DESTROY.equals(a.action()));

    private Schedule() {
    }

    /** Nothing automatic touches it, not even its metadata: {@code protected}, an orphan, or locked by a PVE task. */
    static boolean leftAlone(Sandbox s) {
        return s.metadata() == null || s.metadata().protect() || s.lock() != null;
    }

    /** @param idleSince for a running sandbox, when its idle time started counting; ignored otherwise */
    static Optional<NextAction> next(Sandbox s, LifecyclePolicy defaults, Instant idleSince) {
        if (leftAlone(s)) {
            return Optional.empty();
        }
        SandboxMetadata m = s.metadata();
        boolean running = "running".equals(s.status());
        List<NextAction> candidates = new ArrayList<>();
        if (m.ttl() != null && m.created() != null) {
            Instant at = m.created().plus(m.ttl());
            if (SandboxMetadata.STOP.equals(m.idlePolicy())) {
                if (running) {
                    candidates.add(new NextAction(NextAction.STOP, NextAction.TTL, at));
                }
            } else if (!SandboxMetadata.KEEP.equals(m.idlePolicy())) {
                candidates.add(new NextAction(NextAction.DESTROY, NextAction.TTL, at));
            }
        }
        IdlePolicy autoStop = m.idle() != null ? m.idle() : defaults.autoStop();
        if (running && autoStop.enabled() && idleSince != null) {
            candidates.add(new NextAction(autoStop.action(), NextAction.AUTO_STOP, idleSince.plus(autoStop.after())));
        }
        if (!running && autoStop.enabled() && m.stoppedAt() != null) {
            autoStop.stepInto(s.status()).filter(step -> step.then() != null).ifPresent(step ->
                    candidates.add(new NextAction(step.then().action(), NextAction.AUTO_STOP,
                            m.stoppedAt().plus(step.then().after().minus(step.after())))));
        }
        Duration autoDelete = m.autoDelete() != null ? m.autoDelete() : defaults.autoDelete();
        if (!running && !autoDelete.isZero() && m.stoppedAt() != null) {
            candidates.add(new NextAction(NextAction.DESTROY, NextAction.AUTO_DELETE, m.stoppedAt().plus(autoDelete)));
        }
        return candidates.stream().min(FIRST);
    }
}
