package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;

import java.time.Duration;

/**
 * Reads a running container's IPv4 from {@code /nodes/{node}/lxc/{vmid}/interfaces} ({@link GuestAddresses}); DHCP
 * may take seconds after start, so {@link #await} polls.
 */
record AddressWaiter(PveClient pve, Poller poller, Duration pollInterval) {

    /** The address now, or null. */
    String current(String node, int vmid) {
        return GuestAddresses.ipv4(pve.interfaces(node, vmid));
    }

    String await(String node, int vmid, Duration timeout) {
        return poller.until(pollInterval, timeout, () -> current(node, vmid),
                () -> SandboxException.unavailable("no-address", "Container " + vmid
                        + " got no IPv4 address within " + timeout.toSeconds() + " s (is DHCP answering on its "
                        + "bridge?)."));
    }
}
