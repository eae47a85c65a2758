package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;

import java.time.Duration;

/**
 * Reads a running container's IPv4 from {@code /nodes/{node}/lxc/{vmid}/interfaces} (JSON null while stopped; DHCP
 * may take seconds after start, so {@link #await} polls). Prefers {@code ip-addresses} (PVE ≥ 8.4) and falls back
 * to the older {@code inet} field.
 */
record AddressWaiter(PveClient pve, Poller poller, Duration pollInterval) {

    /** The address now, or null. */
    String current(String node, int vmid) {
        return ipv4(pve.interfaces(node, vmid));
    }

    String await(String node, int vmid, Duration timeout) {
        return poller.until(pollInterval, timeout, () -> current(node, vmid),
                () -> SandboxException.unavailable("no-address", "Container " + vmid
                        + " got no IPv4 address within " + timeout.toSeconds() + " s (is DHCP answering on its "
                        + "bridge?)."));
    }

    static String ipv4(JsonNode interfaces) {
        if (interfaces == null || !interfaces.isArray()) {
            return null;
        }
        for (JsonNode nic : interfaces) {
            if ("lo".equals(PveJson.text(nic, "name"))) {
                continue;
            }
            JsonNode addresses = nic.get("ip-addresses");
            if (addresses != null && addresses.isArray()) {
                for (JsonNode a : addresses) {
                    String ip = PveJson.text(a, "ip-address");
                    if ("inet".equals(PveJson.text(a, "ip-address-type")) && usable(ip)) {
                        return ip;
                    }
                }
            }
            String inet = PveJson.text(nic, "inet");
            if (inet != null) {
                String ip = inet.contains("/") ? inet.substring(0, inet.indexOf('/')) : inet;
                if (usable(ip)) {
                    return ip;
                }
            }
        }
        return null;
    }

    private static boolean usable(String ip) {
        return ip != null && !ip.startsWith("169.254.") && !ip.isBlank();
    }
}
