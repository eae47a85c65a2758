package dev.cmux.gateway.wake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.cmux.control.events.EventLog;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxException;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.exchange.SandboxWake;
import dev.cmux.gateway.metrics.GatewayMetrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Wakes sandboxes for the data plane. It answers two questions, both without blocking an event loop: "is this
 * sandbox asleep?" ({@link #check}: PVE's status, asked once per sandbox however many requests ask, and remembered
 * briefly) and "wake it" ({@link #wake}: one PVE start or resume per sandbox however many requests wait, at most
 * {@code wake.maxWakes} per {@code wake.window}). PVE calls run on a small executor of their own, so waking never
 * competes with the control API for threads.
 */
public final class SandboxWaker implements SandboxWake, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SandboxWaker.class.getName());
    private static final Duration STATUS_TTL = Duration.ofSeconds(2);
    private static final Duration NOT_SANDBOX_TTL = Duration.ofSeconds(30);
    private static final Duration ASLEEP_MARK_TTL = Duration.ofHours(24);

    /** What was learned of a sandbox, and for how long it holds; {@code sandbox} is what PVE said, when it was asked. */
    private record Known(State state, long ttlNanos, Sandbox sandbox) {
    }

    private final SandboxService sandboxes;
    private final SandboxActivity activity;
    private final GatewayMetrics metrics;
    private final Supplier<GatewayConfig> config;
    private final ExecutorService executor;
    private final Cache<Integer, Known> known;
    private final ConcurrentHashMap<Integer, CompletableFuture<State>> checks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, CompletableFuture<Void>> wakes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, WakeBudget> budgets = new ConcurrentHashMap<>();
    private final EventLog events;

    /**
     * @param config the running configuration (it changes on reload)
     * @param events where wakes are recorded: how long they took, or why they failed
     */
    public SandboxWaker(SandboxService sandboxes, SandboxActivity activity, GatewayMetrics metrics,
                        Supplier<GatewayConfig> config, EventLog events) {
        this.events = events;
        this.sandboxes = sandboxes;
        this.activity = activity;
        this.metrics = metrics;
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        // a few threads: PVE serializes power actions per node anyway; a queue, because each entry is another sandbox
        this.executor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "cmux-wake-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
        this.known = Caffeine.newBuilder().maximumSize(100_000).expireAfter(new Expiry<Integer, Known>() {
            @Override
            public long expireAfterCreate(Integer vmid, Known k, long now) {
                return k.ttlNanos();
            }

            @Override
            public long expireAfterUpdate(Integer vmid, Known k, long now, long current) {
                return k.ttlNanos();
            }

            @Override
            public long expireAfterRead(Integer vmid, Known k, long now, long current) {
                return current;
            }
        }).build();
    }

    /**
     * True when this gateway put the sandbox to sleep (idle policy) or saw it asleep a moment ago: the data plane
     * then wakes it before trying to connect. Cheap enough for every request.
     */
    @Override
    public boolean knownAsleep(int vmid) {
        Known k = known.getIfPresent(vmid);
        return k != null && k.state() == State.ASLEEP;
    }

    /** The sandbox's state as far as waking goes; a PVE status read at most every 2 s per sandbox. */
    @Override
    public CompletableFuture<State> check(int vmid) {
        if (wakes.containsKey(vmid)) {
            return CompletableFuture.completedFuture(State.WAKING);
        }
        Known k = known.getIfPresent(vmid);
        if (k != null) {
            return CompletableFuture.completedFuture(k.state());
        }
        return once(checks, vmid, () -> {
            Sandbox sandbox;
            try {
                sandbox = sandboxes.get(vmid);
            } catch (SandboxException e) {
                if (e.kind() == SandboxException.Kind.NOT_FOUND) {
                    known.put(vmid, new Known(State.NOT_SANDBOX, NOT_SANDBOX_TTL.toNanos(), null));
                    return State.NOT_SANDBOX;
                }
                throw e;
            }
            State state = "running".equals(sandbox.status()) ? State.RUNNING : State.ASLEEP;
            // kept with the state: the wake that usually follows starts from it instead of reading PVE again
            known.put(vmid, new Known(state, STATUS_TTL.toNanos(), sandbox));
            return state;
        });
    }

    /**
     * Starts or resumes the sandbox once, however many requests ask while it happens; completes when it runs with
     * an address. Afterwards it counts as {@link State#WAKING} for {@code wake.timeout}, so requests that meet a
     * port not yet open keep waiting rather than fail.
     */
    @Override
    public CompletableFuture<Void> wake(int vmid) {
        CompletableFuture<Void> running = wakes.get(vmid);
        if (running != null) {
            return running;
        }
        Known k = known.getIfPresent(vmid);
        if (k != null && k.state() == State.WAKING) {
            return CompletableFuture.completedFuture(null); // woken a moment ago: its port is what we wait for
        }
        GatewayConfig c = config.get();
        WakeBudget budget = budgets.computeIfAbsent(vmid, v -> new WakeBudget());
        return once(wakes, vmid, () -> {
            if (!budget.tryTake(c.wake().maxWakes(), c.wake().window().toNanos())) {
                metrics.wake("limited", 0);
                throw new Limited("Sandbox vm-" + vmid + " was woken " + c.wake().maxWakes() + " times within "
                        + c.wake().window().toMinutes() + " min; it is not started again until that has passed.");
            }
            long start = System.nanoTime();
            Sandbox checked = k == null ? null : k.sandbox();
            try {
                (checked == null ? sandboxes.wakeFrom(vmid, c.lifecycle().policy().autoStop())
                        : sandboxes.wakeFrom(checked, c.lifecycle().policy().autoStop()))
                        .ifPresent(before -> metrics.wokenFrom(before.kind().apiName(), before.status()));
            } catch (RuntimeException e) {
                known.invalidate(vmid);
                metrics.wake("failed", System.nanoTime() - start);
                events.record("wake", vmid, false, Duration.ofNanos(System.nanoTime() - start), e.getMessage());
                LOG.warning("waking sandbox " + vmid + " failed: " + e.getMessage());
                throw e;
            }
            metrics.wake("woken", System.nanoTime() - start);
            events.record("wake", vmid, true, Duration.ofNanos(System.nanoTime() - start), null);
            activity.touch(vmid); // a fresh wake is not idle
            remember(vmid, State.WAKING, c.wake().timeout());
            return null;
        });
    }

    /** The idle policy suspended or stopped it: the next request wakes it without trying to connect first. */
    public void markAsleep(int vmid) {
        remember(vmid, State.ASLEEP, ASLEEP_MARK_TTL);
    }

    private void remember(int vmid, State state, Duration ttl) {
        known.put(vmid, new Known(state, ttl.toNanos(), null));
    }

    /**
     * Runs {@code work} on the executor unless the same vmid's work is in {@code running} already; all callers get
     * the one future. The future is put first and the work started after, so a fast completion cannot race the
     * map's update.
     */
    private <T> CompletableFuture<T> once(ConcurrentHashMap<Integer, CompletableFuture<T>> running, int vmid,
                                          Supplier<T> work) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> existing = running.putIfAbsent(vmid, mine);
        if (existing != null) {
            return existing;
        }
        try {
            executor.execute(() -> {
                try {
                    T result = work.get();
                    running.remove(vmid, mine);
                    mine.complete(result);
                } catch (RuntimeException | Error e) {
                    running.remove(vmid, mine);
                    mine.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(vmid, mine);
            mine.completeExceptionally(new IllegalStateException("too many sandboxes are being woken at once"));
        }
        return mine;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Wake times of one sandbox within the window; a sliding window of at most {@code max} entries. */
    private static final class WakeBudget {
        private final java.util.ArrayDeque<Long> times = new java.util.ArrayDeque<>();

        synchronized boolean tryTake(int max, long windowNanos) {
            long now = System.nanoTime();
            while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
                times.pollFirst();
            }
            if (times.size() >= max) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }
}
