package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.pve.PveTaskFailedException;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.pve.Upid;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Operations as PVE tells them, for an id this gateway does not hold ({@link OperationId}: another gateway ran it, or
 * this one before a restart). Read-only. The first task's status comes first: running → {@code running}; ended with
 * an error → {@code failed} with PVE's exit status. Once it ended OK, what PVE holds now says the rest: a create
 * succeeded when its sandbox runs with an address and failed when it is gone again (the gateway that ran it rolled it
 * back, and logged why); a destroy succeeded when its sandbox is gone; a template when its template exists; a
 * rollback or power action when its task did. Until then it is {@code running}, up to the longest the gateway
 * running it could have taken ({@link #deadline}); past that, {@code failed}: that gateway stopped before it finished.
 * {@code finished} is known only where the first task's end ended it, and PVE's task status has no end time: null.
 */
public final class TaskOperations {

    private final PveClient pve;
    private final SandboxService sandboxes;
    private final Clock clock;
    private final BiFunction<Integer, Instant, Optional<?>> templates;

    /**
     * @param templates the template made from a sandbox since an instant, if there is one yet
     *                  ({@code Templates#madeFrom})
     */
    public TaskOperations(PveClient pve, SandboxService sandboxes, Clock clock,
                          BiFunction<Integer, Instant, Optional<?>> templates) {
        this.pve = pve;
        this.sandboxes = sandboxes;
        this.clock = clock;
        this.templates = templates;
    }

    /** The operation {@code id} as PVE tells it; empty when PVE knows no such task. */
    public Optional<Operation> read(OperationId id) {
        Upid task = id.task();
        JsonNode status;
        try {
            status = pve.taskStatus(task.node(), id.upid());
        } catch (PveException e) {
            if (e.unknownTask()) {
                return Optional.empty();
            }
            throw e;
        }
        Reading reading = new Reading(id, task.started());
        if (!"stopped".equals(PveJson.text(status, "status"))) {
            return Optional.of(reading.running());
        }
        String exit = PveJson.text(status, "exitstatus");
        // a template's gateway stops the source when its shutdown fails, and goes on: that is no failure yet
        boolean recovered = id.kind().equals("template") && task.type().endsWith("shutdown");
        if (!TaskWaiter.succeeded(exit) && !recovered) {
            return Optional.of(reading.failed(new PveTaskFailedException(id.upid(),
                    exit == null ? "unexpected status" : exit, List.of())));
        }
        return Optional.of(switch (id.kind()) {
            case "create" -> created(reading);
            case "destroy" -> destroyed(reading);
            case "template" -> templates.apply(id.vmid(), task.started()).<Operation>map(reading::succeeded)
                    .orElseGet(() -> runningUntilDeadline(reading));
            default -> reading.succeeded(current(id.vmid()).orElse(null)); // rollback and power: one task
        });
    }

    private Operation created(Reading reading) {
        Optional<Sandbox> sandbox = current(reading.id().vmid());
        if (sandbox.isEmpty()) {
            return reading.failed(SandboxException.of(SandboxException.Kind.CONFLICT, "rolled-back", "Sandbox "
                    + reading.id().vmid() + " was cloned, then removed again after a later step failed; the gateway "
                    + "that ran the create logged why.", null));
        }
        Sandbox s = sandbox.get();
        return s.running() && s.address() != null ? reading.succeeded(s) : runningUntilDeadline(reading);
    }

    /** Gone, or a newer sandbox under the same vmid (made after the destroy began): the destroy is done. */
    private Operation destroyed(Reading reading) {
        Optional<Sandbox> sandbox = current(reading.id().vmid());
        boolean newer = sandbox.map(Sandbox::metadata).map(m -> m.created() != null
                && m.created().isAfter(reading.created())).orElse(false);
        return sandbox.isEmpty() || newer ? reading.succeeded(null) : runningUntilDeadline(reading);
    }

    private Optional<Sandbox> current(int vmid) {
        try {
            return Optional.of(sandboxes.get(vmid));
        } catch (SandboxException e) {
            if (e.kind() == SandboxException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        } catch (PveException e) {
            if (e.noSuchContainer()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The longest the gateway running {@code kind} could have been at it, from its first task's start: every task
     * it waits for at most {@link SandboxSettings#taskTimeout()} (create: clone, resize, start; destroy: stop,
     * destroy; template: shutdown, stop, clone, convert, start again), and a create the address and execd on top.
     */
    static Duration deadline(String kind, SandboxSettings settings) {
        Duration task = settings.taskTimeout();
        return switch (kind) {
            case "create" -> task.multipliedBy(3).plus(settings.addressTimeout())
                    .plus(settings.waitForExecd() ? settings.execdTimeout() : Duration.ZERO);
            case "destroy" -> task.multipliedBy(2);
            case "template" -> task.multipliedBy(5);
            default -> task;
        };
    }

    /**
     * {@code running} until the longest the gateway running it could have taken has passed, then {@code failed}: it
     * stopped before it finished.
     */
    private Operation runningUntilDeadline(Reading reading) {
        OperationId id = reading.id();
        Instant deadline = reading.created().plus(deadline(id.kind(), sandboxes.settings()));
        if (clock.instant().isBefore(deadline)) {
            return reading.running();
        }
        return reading.failed(SandboxException.of(SandboxException.Kind.UNAVAILABLE, "abandoned", "The " + id.kind()
                + " of sandbox " + id.vmid() + " did not finish by " + deadline + ": the gateway running it stopped "
                + "before it finished (its log says where); what it made is as PVE shows it now.", null));
    }

    /** One read of operation {@code id}, created when its first task started. */
    private record Reading(OperationId id, Instant created) {

        Operation running() {
            return new Operation(id.text(), id.kind(), id.vmid(), Operation.RUNNING, created, null, null, null, null,
                    Operation.PVE);
        }

        Operation succeeded(Object result) {
            return new Operation(id.text(), id.kind(), id.vmid(), Operation.SUCCEEDED, created, null, result, null,
                    null, Operation.PVE);
        }

        Operation failed(Throwable failure) {
            return new Operation(id.text(), id.kind(), id.vmid(), Operation.FAILED, created, null, null, failure,
                    null, Operation.PVE);
        }
    }
}
