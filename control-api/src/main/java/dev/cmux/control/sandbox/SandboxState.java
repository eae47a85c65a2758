package dev.cmux.control.sandbox;

/**
 * A sandbox's state in one word, from PVE's two notions of it (docs/pve-qemu.md §2): {@code status} says whether
 * the guest's process exists, a VM's {@code qmpstatus} (also what {@code /cluster/resources} shows as a VM's
 * {@code status}) what QEMU is doing. Sleep levels, lightest first: {@link #PAUSED} (QMP stop: in RAM, no lock),
 * {@link #HIBERNATED} (stopped with {@code lock: suspended}: RAM on disk), {@link #STOPPED}.
 */
public final class SandboxState {

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String HIBERNATED = "hibernated";
    public static final String STOPPED = "stopped";
    /** Its node cannot be reached: nobody can say (listed so, and left alone by the lifecycle). */
    public static final String UNKNOWN = "unknown";
    /** The config lock of a hibernated VM: its state, not a task's lock (qemu-server {@code vm_suspend}). */
    static final String HIBERNATION_LOCK = "suspended";

    private SandboxState() {
    }

    /**
     * @param status PVE's {@code status}, or for a VM its {@code qmpstatus} where there is one ({@code running},
     *               {@code paused}, {@code prelaunch}, {@code stopped}, …)
     */
    static String of(SandboxKind kind, String status, String lock) {
        if (kind != SandboxKind.VM) {
            return status;
        }
        if (STOPPED.equals(status) && HIBERNATION_LOCK.equals(lock)) {
            return HIBERNATED;
        }
        // vm_is_paused counts prelaunch as paused too (QEMU started with -S, waiting for cont)
        return PAUSED.equals(status) || "prelaunch".equals(status) ? PAUSED : status;
    }

    /** The lock as the sandbox shows it: a hibernated VM's lock is its state. */
    static String lock(SandboxKind kind, String state, String lock) {
        return kind == SandboxKind.VM && HIBERNATED.equals(state) ? null : lock;
    }
}
