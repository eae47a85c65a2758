package dev.cmux.control.pve;

import dev.cmux.control.remote.RemoteCallException;

import java.util.Map;

/**
 * PVE said no, or could not be reached. {@link #status()} is the HTTP status PVE answered with, or 0 when no answer
 * arrived (connection refused, TLS failure, timeout). The message is PVE's own: the reason phrase of the status line,
 * which is where PVE puts the first line of its error, or the {@code message} field of newer servers. PVE's error
 * texts are recognised here, and nowhere else.
 */
public class PveException extends RemoteCallException {

    private final Map<String, String> fieldErrors;

    public PveException(int status, String message, Map<String, String> fieldErrors) {
        super(message, status);
        this.fieldErrors = fieldErrors == null ? Map.of() : Map.copyOf(fieldErrors);
    }

    public PveException(String message, Throwable cause) {
        super(message, cause);
        this.fieldErrors = Map.of();
    }

    /** Per-parameter errors of a 400 {@code Parameter verification failed.} answer. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    /** {@code CT is locked (disk)}, or the config flock timed out: retrying later can succeed. */
    public boolean locked() {
        String m = String.valueOf(getMessage());
        return m.contains("is locked") || m.contains("can't lock file");
    }

    /** The config changed since it was read ({@code digest} given with the update): read it again. */
    public boolean configChanged() {
        String m = String.valueOf(getMessage());
        // LXC; QEMU ("checksum mismatch", "checksum missmatch" before qemu-server 8)
        return m.contains("detected modified configuration") || m.contains("checksum mismatch")
                || m.contains("checksum missmatch");
    }

    /** The new vmid is taken ({@code CT 101 already exists on node 'pve'}); {@code /cluster/nextid} does not reserve. */
    public boolean alreadyExists() {
        return String.valueOf(getMessage()).contains("already exists");
    }

    /** {@code CT 101 already running}: a start or resume found it running (another gateway may have started it). */
    public boolean alreadyRunning() {
        return String.valueOf(getMessage()).contains("already running");
    }

    /** {@code CT 101 not running}: a stop, shutdown or suspend found it stopped. */
    public boolean notRunning() {
        return String.valueOf(getMessage()).contains("not running");
    }

    /**
     * The guest agent cannot be asked (qemu-server {@code assert_agent_available}): {@code No QEMU guest agent
     * configured}, {@code VM 101 is not running}, {@code QEMU guest agent is not running}.
     */
    public boolean agentUnavailable() {
        String m = String.valueOf(getMessage());
        return m.contains("QEMU guest agent") || m.matches("(?s)VM \\d+ is not running.*");
    }

    /**
     * The API node could not forward the call to the guest's node: pveproxy answers with AnyEvent::HTTP's
     * pseudo-statuses, 595 (connection refused, no route to host, timed out) or 596 (TLS, headers)
     * (pve-qemu-cluster.md §3.4). The node is down or cut off.
     */
    public boolean nodeUnreachable() {
        return status() == 595 || status() == 596;
    }

    /**
     * The task is not one PVE knows: 400 {@code {"upid":"no such task"}} (pve-api.md §4 "Tasks: status"), or the node
     * of its UPID is not a node of the cluster ({@code hostname lookup 'x' failed}, pve-manager's proxy to a node).
     */
    public boolean unknownTask() {
        return (status() == 400 && fieldErrors.containsKey("upid"))
                || String.valueOf(getMessage()).matches("(?s)hostname lookup '[^']*' failed.*");
    }

    /** {@code Configuration file 'nodes/pve/lxc/101.conf' does not exist}. */
    public boolean noSuchContainer() {
        String m = String.valueOf(getMessage());
        return m.contains("Configuration file") && m.contains("does not exist");
    }

    /** {@code snapshot 'x' does not exist} (AbstractConfig.pm, clone_vm). */
    public boolean noSuchSnapshot() {
        return String.valueOf(getMessage()).matches("(?s).*snapshot '[^']*' does not exist.*");
    }

    /** The snapshot name breaks PVE's rules: its schema (400, {@code snapname}) or a reserved name (Snapshot.pm). */
    public boolean badSnapshotName() {
        return fieldErrors.containsKey("snapname") || String.valueOf(getMessage()).contains("(reserved name)");
    }

    /**
     * The snapshot cannot be made or used in this state: {@code snapshot name 'x' already used}, {@code snapshot
     * feature is not available} (the storage), {@code can't rollback, 'x' is not most recent snapshot} (ZFS), or a
     * template ({@code you can't take a snapshot if it's a template}).
     */
    public boolean snapshotConflict() {
        String m = String.valueOf(getMessage());
        return m.contains("already used") || m.contains("snapshot feature is not available")
                || m.contains("is not most recent snapshot") || m.contains("if it's a template")
                || m.contains("if vm is a template");
    }

    /** {@code base volume '…' is still in use by linked clones}: a template that clones depend on. */
    public boolean templateInUse() {
        return String.valueOf(getMessage()).contains("still in use by linked clone"); // QEMU says "cloned"
    }
}
