package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits for a PVE task: polls {@code /nodes/{node}/tasks/{upid}/status} on the node named in the UPID until it is
 * {@code stopped}, then requires exit status {@code OK} (or {@code WARNINGS: n}, which PVE counts as success). On
 * failure the last lines of the task log go into the exception, since the exit status alone rarely says why.
 */
public final class TaskWaiter {

    private static final int LOG_TAIL = 8;

    private final PveClient pve;
    private final Duration pollInterval;
    private final Duration timeout;

    public TaskWaiter(PveClient pve, Duration pollInterval, Duration timeout) {
        this.pve = pve;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    public void await(String upid) {
        await(upid, timeout);
    }

    public void await(String upid, Duration limit) {
        String node = Upid.parse(upid).node();
        long deadline = System.nanoTime() + limit.toNanos();
        int unknownTask = 0;
        while (true) {
            JsonNode status;
            try {
                status = pve.taskStatus(node, upid);
            } catch (PveException e) {
                // right after the fork the task can be unknown for a moment (bpg retries on this 400 too)
                if (e.status() == 400 && ++unknownTask <= 3) {
                    sleep();
                    continue;
                }
                throw e;
            }
            if ("stopped".equals(PveJson.text(status, "status"))) {
                String exit = PveJson.text(status, "exitstatus");
                if ("OK".equals(exit) || (exit != null && exit.startsWith("WARNINGS"))) {
                    return;
                }
                throw new PveTaskFailedException(upid, exit == null ? "unexpected status" : exit, logTail(node, upid));
            }
            if (System.nanoTime() > deadline) {
                throw new PveException(504, "PVE task " + Upid.parse(upid).type() + " still running after "
                        + limit.toSeconds() + " s", null);
            }
            sleep();
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

    private void sleep() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PveException("interrupted while waiting for a PVE task", e);
        }
    }
}
