package dev.cmux.control.sandbox;

import dev.cmux.control.events.EventLog;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The operations of this gateway, in memory: an operation is the progress of one request, not sandbox state (that
 * lives in PVE), so losing them on restart loses only the ability to poll a request that was running then.
 * Finished operations are kept for {@link #RETENTION}.
 */
public final class Operations {

    static final Duration RETENTION = Duration.ofHours(1);
    private static final int MAX_KEPT = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(Operations.class.getName());

    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final Executor executor;
    private final Clock clock;
    private final EventLog events;

    public Operations(Executor executor, Clock clock) {
        this(executor, clock, new EventLog(clock));
    }

    /** @param events where every finished operation is recorded, for the operator's page */
    public Operations(Executor executor, Clock clock, EventLog events) {
        this.executor = executor;
        this.clock = clock;
        this.events = events;
    }

    /** The finished operations (and whatever else the gateway records there), newest first. */
    public EventLog events() {
        return events;
    }

    /** Starts {@code work} on the executor; the returned future completes with the finished operation. */
    public <T> Submitted submit(String kind, Integer vmid, Supplier<T> work) {
        prune();
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        String id = "op-" + HexFormat.of().formatHex(bytes);
        Operation running = new Operation(id, kind, vmid, Operation.RUNNING, clock.instant(), null, null, null);
        operations.put(id, running);
        CompletableFuture<T> future;
        try {
            future = CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            operations.remove(id);
            throw e;
        }
        CompletableFuture<Operation> done = future.handle((result, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            Integer sandbox = result instanceof Sandbox s ? Integer.valueOf(s.vmid()) : vmid;
            if (cause != null) {
                LOG.warning(kind + (sandbox == null ? "" : " of sandbox " + sandbox) + " failed: " + cause.getMessage());
            }
            Operation finished = new Operation(id, kind, sandbox,
                    cause == null ? Operation.SUCCEEDED : Operation.FAILED, running.created(), clock.instant(), result,
                    cause);
            operations.put(id, finished);
            events.record(kind, sandbox, cause == null, Duration.between(running.created(), finished.finished()),
                    cause == null ? null : cause.getMessage());
            return finished;
        });
        return new Submitted(running, done);
    }

    /** An accepted operation and the future of its end. */
    public record Submitted(Operation accepted, CompletableFuture<Operation> done) {
    }

    public Optional<Operation> get(String id) {
        return Optional.ofNullable(operations.get(id));
    }

    private void prune() {
        Instant cutoff = clock.instant().minus(RETENTION);
        for (Iterator<Operation> it = operations.values().iterator(); it.hasNext(); ) {
            Operation op = it.next();
            if (op.done() && (op.finished().isBefore(cutoff) || operations.size() > MAX_KEPT)) {
                it.remove();
            }
        }
    }
}
