package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Pace;
import dev.cmux.control.poll.Poller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for a PVE task: polls {@code /nodes/{node}/tasks/{upid}/status} on the node named in the UPID until it is
 * {@code stopped}, then requires exit status {@code OK} (or {@code WARNINGS: n}, which PVE counts as success). On
 * failure the last lines of the task log go into the exception, since the exit status alone rarely says why.
 */
public record TaskWaiter(PveClient pve, Poller poller, Duration pollInterval, Duration timeout) {

    private static final int LOG_TAIL = 8;
    /** The first look at a task; later looks double up to the poll interval (a resume ends in milliseconds). */
    public static final Duration FIRST_POLL = Duration.ofMillis(25);
    /**
     * While a request waits for a task (a wake): {@link #FIRST_POLL} for the first half second, where a resume
     * ends, then doubling up to 100 ms. At most that late, at the cost of up to 40 status reads a second for one
     * task; wakes are coalesced per sandbox and budgeted, so there are few at a time.
     */
    private static final int PROMPT_FIRST_ASKS = 20;
    private static final Duration PROMPT_POLL = Duration.ofMillis(100);

    public void await(String upid) {
        await(upid, timeout);
    }

    public void await(String upid, Duration limit) {
        await(upid, Pace.doubling(FIRST_POLL, pollInterval), limit);
    }

    /** As {@link #await(String)} for a task a request waits for ({@link #prompt}). */
    public void awaitPromptly(String upid) {
        await(upid, prompt(pollInterval), timeout);
    }

    /** How to poll while a request waits: often at first, never less often than {@code pollInterval}. */
    public static Pace prompt(Duration pollInterval) {
        return new Pace(FIRST_POLL, PROMPT_FIRST_ASKS,
                PROMPT_POLL.compareTo(pollInterval) < 0 ? PROMPT_POLL : pollInterval);
    }

    private void await(String upid, Pace pace, Duration limit) {
        String node = Upid.parse(upid).node();
        AtomicInteger unknownTask = new AtomicInteger();
        JsonNode status = poller.until(pace, limit, () -> {
            try {
                JsonNode now = pve.taskStatus(node, upid);
                return "stopped".equals(PveJson.text(now, "status")) ? now : null;
            } catch (PveException e) {
                // right after the fork the task can be unknown for a moment (bpg retries on this 400 too)
                if (e.status() == 400 && unknownTask.incrementAndGet() <= 3) {
                    return null;
                }
                throw e;
            }
        }, () -> new PveException(504, "PVE task " + Upid.parse(upid).type() + " still running after "
                + limit.toSeconds() + " s", null));
        String exit = PveJson.text(status, "exitstatus");
        if (!succeeded(exit)) {
            throw new PveTaskFailedException(upid, exit == null ? "unexpected status" : exit, logTail(node, upid));
        }
    }

    /** Whether a stopped task's {@code exitstatus} is a success: {@code OK} or {@code WARNINGS: n}. */
    public static boolean succeeded(String exitStatus) {
        return "OK".equals(exitStatus) || (exitStatus != null && exitStatus.startsWith("WARNINGS"));
    }

    private List<String> logTail(String node, String upid) {
        try {
            JsonNode first = pve.taskLog(node, upid, 0, 50);
            int total = PveJson.intValue(first.get("total"), 0);
            JsonNode lines = total > 50 ? pve.taskLog(node, upid, total - LOG_TAIL, LOG_TAIL).get("data")
                    : first.get("data");
            List<String> all = new ArrayList<>();
            if (lines != null && lines.isArray()) {
                lines.forEach(line -> all.add(PveJson.text(line, "t")));
            }
            return all.subList(Math.max(0, all.size() - LOG_TAIL), all.size());
        } catch (PveException e) {
            return List.of("(task log unavailable: " + e.getMessage() + ")");
        }
    }
}
