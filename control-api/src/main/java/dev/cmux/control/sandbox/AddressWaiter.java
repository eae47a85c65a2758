package dev.cmux.control.sandbox;

import dev.cmux.control.poll.Pace;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.TaskWaiter;

import java.time.Duration;

/**
 * Reads a running sandbox's IPv4 ({@link GuestAddresses}): a container's from {@code /nodes/{node}/lxc/{vmid}/interfaces},
 * a VM's from its guest agent ({@code agent/network-get-interfaces}). DHCP, and a VM's agent, may take seconds after
 * start, so {@link #await} polls.
 */
record AddressWaiter(PveClient pve, Poller poller, Duration pollInterval) {

    /** A container's address now, or null. */
    String current(String node, int vmid) {
        return current(node, SandboxKind.LXC, vmid);
    }

    /** The address now, or null (a VM whose agent does not answer yet has none). */
    String current(String node, SandboxKind kind, int vmid) {
        try {
            return GuestAddresses.ipv4(PveAddresses.interfaces(pve, node, kind, vmid));
        } catch (GuestAgentUnavailableException e) {
            return null; // a VM's agent starts seconds after its kernel
        }
    }

    String await(String node, int vmid, Duration timeout) {
        return await(node, SandboxKind.LXC, vmid, timeout);
    }

    String await(String node, SandboxKind kind, int vmid, Duration timeout) {
        return await(node, kind, vmid, timeout, Pace.doubling(TaskWaiter.FIRST_POLL, pollInterval));
    }

    /** As {@link #await(String, SandboxKind, int, Duration)} while a request waits ({@link TaskWaiter#prompt}). */
    String awaitPromptly(String node, SandboxKind kind, int vmid, Duration timeout) {
        return await(node, kind, vmid, timeout, TaskWaiter.prompt(pollInterval));
    }

    private String await(String node, SandboxKind kind, int vmid, Duration timeout, Pace pace) {
        return poller.until(pace, timeout, () -> current(node, kind, vmid),
                () -> SandboxException.unavailable("no-address", (kind == SandboxKind.VM
                        ? "VM " + vmid + " reported no IPv4 address through its guest agent within "
                        + timeout.toSeconds() + " s (is qemu-guest-agent installed and running, and DHCP answering?)."
                        : "Container " + vmid + " got no IPv4 address within " + timeout.toSeconds()
                        + " s (is DHCP answering on its bridge?).")));
    }
}
