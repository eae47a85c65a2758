package dev.cmux.control.sandbox;

import java.time.Duration;
import java.util.Map;

/**
 * The rules of a VM's power actions that PVE does not enforce before its task (docs/pve-qemu.md §3): a start of a
 * running VM, or a stop or shutdown of a stopped one, returns a task that fails or does nothing, so the API's 409 is
 * decided here from the state; {@code suspend} of a VM is its pause in RAM; a shutdown is ACPI with a timeout, then
 * a forced stop.
 */
final class VmPower {

    /** How long an ACPI shutdown may take before PVE stops the VM ({@code timeout}, {@code forceStop=1}). */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    private VmPower() {
    }

    /** The PVE action for {@code asked} on this VM, or 409 {@code conflicting-state} when its state rules it out. */
    static PowerAction asked(Sandbox vm, PowerAction asked) {
        String state = vm.status();
        boolean asleep = SandboxState.STOPPED.equals(state) || SandboxState.HIBERNATED.equals(state);
        String refusal = switch (asked) {
            case START -> asleep ? null : "it is " + state + (SandboxState.PAUSED.equals(state) ? "; resume it" : "");
            case STOP, SHUTDOWN, REBOOT, SUSPEND, PAUSE, HIBERNATE -> asleep ? "it is " + state : null;
            case RESUME -> null;
        };
        if (refusal != null) {
            throw SandboxException.conflict("conflicting-state", "Cannot " + asked.pveName() + " sandbox "
                    + vm.vmid() + ": " + refusal + ".");
        }
        return asked == PowerAction.SUSPEND ? PowerAction.PAUSE : asked;
    }

    /** The fields of the PVE call beyond the action's own. */
    static Map<String, Object> options(PowerAction action) {
        return action == PowerAction.SHUTDOWN
                ? Map.of("timeout", SHUTDOWN_TIMEOUT.toSeconds(), "forceStop", true) : Map.of();
    }
}
