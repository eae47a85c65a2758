package dev.cmux.control.pve;

import java.util.List;

/** A PVE task ended with an exit status other than {@code OK} or {@code WARNINGS: n}; carries the log's last lines. */
public final class PveTaskFailedException extends PveException {

    private final String upid;
    private final String exitStatus;
    private final List<String> logTail;

    public PveTaskFailedException(String upid, String exitStatus, List<String> logTail) {
        super(500, describe(upid, exitStatus, logTail), null);
        this.upid = upid;
        this.exitStatus = exitStatus;
        this.logTail = List.copyOf(logTail);
    }

    private static String describe(String upid, String exitStatus, List<String> logTail) {
        String type = Upid.tryParse(upid).map(Upid::type).orElse("task");
        StringBuilder s = new StringBuilder(type).append(" failed: ").append(exitStatus);
        if (!logTail.isEmpty()) {
            s.append(" (task log: ").append(String.join(" | ", logTail)).append(')');
        }
        return s.toString();
    }

    public String upid() {
        return upid;
    }

    public String exitStatus() {
        return exitStatus;
    }

    public List<String> logTail() {
        return logTail;
    }
}
