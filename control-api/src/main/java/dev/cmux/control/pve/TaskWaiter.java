package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;
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

    public void await(String upid) {
        await(upid, timeout);
    }

    public void await(String upid, Duration limit) {
        String node = Upid.parse(upid).node();
        AtomicInteger unknownTask = new AtomicInteger();
        JsonNode status = poller.until(FIRST_POLL, pollInterval, limit, () -> {
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
        if (!"OK".equals(exit) && (exit == null || !exit.startsWith("WARNINGS"))) {
            throw new PveTaskFailedException(upid, exit == null ? "unexpected status" : exit, logTail(node, upid));
        }
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
