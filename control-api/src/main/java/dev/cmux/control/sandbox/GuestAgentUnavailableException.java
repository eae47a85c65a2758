package dev.cmux.control.sandbox;

/**
 * A VM's address cannot be known: PVE could not ask its guest agent (not configured, not installed or not started
 * in the guest, or the VM paused). The message is one sentence for the gateway's {@code unresolved} answer.
 */
public final class GuestAgentUnavailableException extends UnreachableSandboxException {

    GuestAgentUnavailableException(int vmid, String pveMessage) {
        super("Sandbox vm-" + vmid + " is a VM whose address comes from its QEMU guest agent, and PVE could not ask "
                + "it (" + pveMessage.trim() + "): install and start qemu-guest-agent in the VM and set agent: 1.");
    }
}
