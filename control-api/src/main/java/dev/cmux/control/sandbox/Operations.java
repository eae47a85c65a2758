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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The operations of this gateway, in memory, and of every other one, read back from PVE: an operation's id names
 * its first PVE task ({@link OperationId}), so {@link #get} answers for one this gateway never ran (another gateway's,
 * or its own from before a restart) from what PVE says ({@code fromPve}). The ones run here answer exactly, with
 * their result and failure, for {@link #RETENTION} after they finish.
 */
public final class Operations {

    static final Duration RETENTION = Duration.ofHours(1);
    private static final int MAX_KEPT = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(Operations.class.getName());

    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final Clock clock;
    private final EventLog events;
    private final Function<OperationId, Optional<Operation>> fromPve;

    /** Operations of this gateway only: an id it did not make is unknown. */
    public Operations(Clock clock) {
        this(clock, new EventLog(clock), id -> Optional.empty());
    }

    /**
     * @param events  where every finished operation is recorded, for the operator's page
     * @param fromPve what PVE says of an operation this gateway does not hold ({@link TaskOperations#read}); blocks
     */
    public Operations(Clock clock, EventLog events, Function<OperationId, Optional<Operation>> fromPve) {
        this.clock = clock;
        this.events = events;
        this.fromPve = fromPve;
    }

    /** The finished operations (and whatever else the gateway records there), newest first. */
    public EventLog events() {
        return events;
    }

    /**
     * Accepts an operation whose begin passed: its first task {@code first} runs. Its id names that task
     * ({@link OperationId}); without one (the begin needed no task) it is random and known here only. The rest runs
     * when the caller calls {@link Submitted#proceed()}, on the caller's thread (a handler's, off the event loop),
     * after it answered: the begin may have made something in PVE, so the rest must run, and it needs no thread of
     * its own to do so.
     */
    public <T> Submitted submit(String kind, FirstTask<T> first) {
        String id = first.upid() != null ? new OperationId(kind, first.vmid(), first.upid()).text() : localId();
        prune();
        Operation running = new Operation(id, kind, first.vmid(), Operation.RUNNING, clock.instant(), null, null, null,
                first.urls(), Operation.THIS_GATEWAY);
        operations.put(id, running);
        CompletableFuture<T> future = new CompletableFuture<>();
        CompletableFuture<Operation> done = future.handle((result, cause) -> {
            Integer sandbox = result instanceof Sandbox s ? Integer.valueOf(s.vmid()) : running.vmid();
            if (cause != null) {
                LOG.warning(kind + (sandbox == null ? "" : " of sandbox " + sandbox) + " failed: "
                        + cause.getMessage());
            }
            Operation finished = new Operation(id, kind, sandbox,
                    cause == null ? Operation.SUCCEEDED : Operation.FAILED, running.created(), clock.instant(), result,
                    cause, null, Operation.THIS_GATEWAY);
            operations.put(id, finished);
            events.record(kind, sandbox, cause == null, Duration.between(running.created(), finished.finished()),
                    cause == null ? null : cause.getMessage());
            return finished;
        });
        Supplier<T> rest = first.rest();
        return new Submitted(running, done, () -> {
            try {
                future.complete(rest.get());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
    }

    private static String localId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "op-" + HexFormat.of().formatHex(bytes);
    }

    /** An accepted operation and the future of its end; {@link #proceed()} runs what is left of it, here. */
    public record Submitted(Operation accepted, CompletableFuture<Operation> done, Runnable rest) {
        public void proceed() {
            rest.run();
        }
    }

    /**
     * The operation {@code id}: as this gateway holds it, else as PVE tells it; empty for an id that is not one
     * ({@link OperationId#parse}) or whose task PVE does not know. Blocks when PVE is asked.
     */
    public Optional<Operation> get(String id) {
        Operation here = operations.get(id);
        if (here != null) {
            return Optional.of(here);
        }
        return OperationId.parse(id).flatMap(fromPve);
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
