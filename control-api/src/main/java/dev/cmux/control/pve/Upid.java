package dev.cmux.control.pve;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PVE task id, {@code UPID:node:pid:pstart:starttime:type:id:user:}. The task status must be asked of the node named
 * here (another node answers 400 {@code no such task}), so the waiter takes the node from the UPID. {@code started} is
 * the task's {@code starttime}, which the UPID carries in hex.
 */
public record Upid(String node, String type, String id, String user, Instant started) {

    private static final Pattern FORMAT = Pattern.compile("^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)"
            + ":([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$");

    public static Optional<Upid> tryParse(String upid) {
        if (upid == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(upid);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Upid(m.group(1), m.group(6), m.group(7), m.group(8),
                Instant.ofEpochSecond(Long.parseLong(m.group(5), 16))));
    }

    public static Upid parse(String upid) {
        return tryParse(upid).orElseThrow(() -> new PveException(200, "PVE answered with a malformed task id", null));
    }
}
