package dev.cmux.control.lifecycle;

import dev.cmux.control.poll.Periodic;
import dev.cmux.control.sandbox.GuestUse;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxException;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.control.sandbox.SandboxState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Runs the lifecycle: every pass reads every sandbox from PVE, keeps the {@code stoppedAt} stamp of its metadata
 * true (written when it is seen stopped, removed when seen running), and does what {@link Schedule} says is due:
 * auto-stop (pause, suspend, hibernate or stop, chained steps one pass at a time; stop where PVE cannot do what was
 * asked), TTL, auto-delete. One log line per action. State is PVE's,
 * so it may run on every gateway of a cluster: a stop or destroy another gateway already did is no error.
 * <p>
 * Idle time counts from the last use: a request or upgraded byte this gateway saw, or what PVE counts of the guest
 * ({@link GuestUse}, the same on every gateway of a cluster): its network counters growing by at least
 * {@value #BUSY_BYTES_PER_MINUTE} bytes a minute between two passes (traffic through another gateway, or a download
 * of its own), or it using at least {@value #BUSY_CPU_CORES} of a core (a build). So two gateways never put to
 * sleep a sandbox that the other one serves. It never counts from before this gateway first saw the sandbox
 * running: after a restart every running sandbox gets a full auto-stop period.
 */
public final class LifecycleReaper implements NextActions, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LifecycleReaper.class.getName());
    /**
     * Growth of a guest's {@code netin + netout} that is use, not chatter: ARP, DHCP, NTP and the bridge's broadcasts
     * stay far below it, one page load or a few keystrokes in a terminal go above it.
     */
    static final long BUSY_BYTES_PER_MINUTE = 16 * 1024;
    /**
     * CPU that is work, not an idle guest's housekeeping (a few thousandths of a core): a compiler, a test run, an
     * install. PVE reports the last 10 s, so a pass sees what runs at its moment.
     */
    static final double BUSY_CPU_CORES = 0.10;

    /** Told of every action done (the gateway counts it and marks a sandbox it put to sleep). */
    @FunctionalInterface
    public interface Listener {
        void acted(int vmid, String action, String reason);
    }

    /** One action of a pass: {@code action} is what was done (a suspend PVE refused becomes a stop). */
    public record Done(int vmid, String action, String reason) {
    }

    /** What one pass did, for tests. */
    public record Pass(List<Done> done, List<String> errors) {

        public List<Integer> vmids(String action) {
            return done.stream().filter(d -> d.action().equals(action)).map(Done::vmid).toList();
        }
    }

    private final SandboxService sandboxes;
    private final Supplier<LifecyclePolicy> policy;
    private final IntFunction<Optional<Instant>> lastActivity;
    private final Clock clock;
    private final Listener listener;
    private final Map<Integer, Instant> runningSince = new ConcurrentHashMap<>();
    /** The last sample of each running sandbox's network counters, and when they last grew like use. */
    private final Map<Integer, Sample> samples = new ConcurrentHashMap<>();
    private final Map<Integer, Instant> guestBusy = new ConcurrentHashMap<>();

    private record Sample(long bytes, Instant at) {
    }
    private Periodic passes;

    /**
     * @param policy       the gateway's defaults, asked at every pass (a reload applies)
     * @param lastActivity when a sandbox last had traffic through this gateway, empty when never
     */
    public LifecycleReaper(SandboxService sandboxes, Supplier<LifecyclePolicy> policy,
                           IntFunction<Optional<Instant>> lastActivity, Clock clock, Listener listener) {
        this.sandboxes = sandboxes;
        this.policy = policy;
        this.lastActivity = lastActivity;
        this.clock = clock;
        this.listener = listener;
    }

    /** Passes every {@code interval} (asked again after each pass: a reload applies). */
    public LifecycleReaper start(Supplier<Duration> interval) {
        passes = Periodic.start("cmux-lifecycle", interval, this::pass);
        return this;
    }

    @Override
    public Optional<NextAction> of(Sandbox s) {
        Instant now = clock.instant();
        return Schedule.next(s, policy.get(), idleSince(s.vmid(), runningSince.getOrDefault(s.vmid(), now)));
    }

    public Pass pass() {
        Instant now = clock.instant();
        LifecyclePolicy defaults = policy.get();
        List<Done> done = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<Integer> running = new HashSet<>();
        SandboxService.Survey cluster = sandboxes.survey();
        Map<Integer, GuestUse> use = cluster.use();
        for (Sandbox s : cluster.sandboxes()) {
            boolean runs = "running".equals(s.status());
            if (runs) {
                running.add(s.vmid());
                sample(s.vmid(), use.get(s.vmid()), now);
            }
            Instant since = runs ? runningSince.computeIfAbsent(s.vmid(), v -> now) : null;
            if (Schedule.leftAlone(s)) {
                continue;
            }
            try {
                Sandbox current = stamped(s, now);
                if (current != s && runs) {
                    // running with a stamp: woken since, or another gateway's claim whose sleep is under way (see
                    // act); either way not this pass's to put to sleep
                    continue;
                }
                Optional<NextAction> next = Schedule.next(current, defaults, since == null ? null
                        : idleSince(s.vmid(), since));
                if (next.isPresent() && next.get().due(now)) {
                    act(current, next.get(), now).ifPresent(done::add);
                }
            } catch (RuntimeException e) {
                String error = "sandbox " + s.vmid() + ": " + e.getMessage();
                LOG.warning("lifecycle: " + error);
                errors.add(error);
            }
        }
        runningSince.keySet().retainAll(running);
        samples.keySet().retainAll(running);
        guestBusy.keySet().retainAll(running);
        LOG.fine(() -> "lifecycle: pass done, " + done.size() + " actions, " + errors.size() + " errors");
        return new Pass(done, errors);
    }

    /**
     * Busy now when the guest works ({@link #BUSY_CPU_CORES}), or its network counters grew like use since the last
     * pass (or restarted from 0).
     */
    private void sample(int vmid, GuestUse use, Instant now) {
        if (use == null) {
            return;
        }
        if (use.cpuCores() >= BUSY_CPU_CORES) {
            guestBusy.put(vmid, now);
        }
        Sample previous = samples.put(vmid, new Sample(use.networkBytes(), now));
        if (previous == null) {
            return;
        }
        long grown = use.networkBytes() - previous.bytes();
        long millis = Math.max(1, Duration.between(previous.at(), now).toMillis());
        if (grown < 0 || grown * 60_000 / millis >= BUSY_BYTES_PER_MINUTE) {
            guestBusy.put(vmid, now);
        }
    }

    private Instant idleSince(int vmid, Instant runningSince) {
        Instant since = runningSince;
        for (Instant busy : new Instant[] {lastActivity.apply(vmid).orElse(null), guestBusy.get(vmid)}) {
            if (busy != null && busy.isAfter(since)) {
                since = busy;
            }
        }
        return since;
    }

    /**
     * The sandbox with its {@code stoppedAt} written when first seen stopped, removed when seen running. A hibernated
     * VM's config cannot change (PVE's {@code suspended} lock): it keeps what it has.
     */
    private Sandbox stamped(Sandbox s, Instant now) {
        boolean runs = "running".equals(s.status());
        if (runs == (s.metadata().stoppedAt() == null) || SandboxState.HIBERNATED.equals(s.status())) {
            return s;
        }
        return sandboxes.updateMetadata(s.vmid(), m -> m.withStoppedAt(runs ? null : now));
    }

    private Optional<Done> act(Sandbox s, NextAction next, Instant now) {
        int vmid = s.vmid();
        String action = next.action();
        try {
            if (NextAction.DESTROY.equals(action)) {
                sandboxes.destroy(vmid);
            } else if (SandboxState.HIBERNATED.equals(s.status())) {
                // its config cannot change (lock: suspended) until the stop discards its RAM state, so no claim
                // first; a second gateway's stop of the stopped VM is PVE's TASK OK, no harm
                action = putToSleep(vmid, action);
                sandboxes.updateMetadata(vmid, m -> m.withStoppedAt(now));
            } else {
                // The stamp goes first, as a claim: written only over the stamp this pass saw, and guarded by the
                // config's digest, so of two gateways due at once exactly one puts the sandbox to sleep; the other
                // finds the stamp moved. (Also, a VM hibernated now takes no config change afterwards.)
                Instant seen = s.metadata().stoppedAt();
                if (sandboxes.updateMetadataIf(vmid, m -> Objects.equals(m.stoppedAt(), seen),
                        m -> m.withStoppedAt(now)).isEmpty()) {
                    LOG.info("lifecycle: sandbox " + vmid + " is being put to sleep by another gateway");
                    return Optional.empty();
                }
                action = putToSleep(vmid, action);
                runningSince.remove(vmid);
            }
        } catch (SandboxException e) {
            if (e.kind() == SandboxException.Kind.NOT_FOUND || e.kind() == SandboxException.Kind.CONFLICT
                    && "conflicting-state".equals(e.code())) {
                LOG.info("lifecycle: sandbox " + vmid + " was already " + (NextAction.DESTROY.equals(action)
                        ? "gone" : "stopped") + " (another gateway or a person): " + e.getMessage());
                return Optional.empty();
            }
            throw e;
        }
        LOG.info("lifecycle: " + action + " sandbox " + vmid + " (" + next.reason() + " due " + next.at() + ")");
        listener.acted(vmid, action, next.reason());
        return Optional.of(new Done(vmid, action, next.reason()));
    }

    /**
     * Pauses, suspends or hibernates when asked and PVE can (a VM's RAM; CRIU for a container), else stops; returns
     * what it did.
     */
    private String putToSleep(int vmid, String action) {
        if (!NextAction.STOP.equals(action)) {
            try {
                sandboxes.power(vmid, PowerAction.parse(action).orElseThrow());
                return action;
            } catch (RuntimeException e) {
                if (e instanceof SandboxException se && se.kind() == SandboxException.Kind.NOT_FOUND) {
                    throw e;
                }
                LOG.warning("lifecycle: sandbox " + vmid + " could not " + action + " (" + e.getMessage()
                        + "); stopping it");
            }
        }
        sandboxes.power(vmid, PowerAction.STOP);
        return NextAction.STOP;
    }

    @Override
    public void close() {
        if (passes != null) {
            passes.close();
        }
    }
}
