package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveJson;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The addresses a running container reports in {@code /nodes/{node}/lxc/{vmid}/interfaces} (JSON null while
 * stopped), or a VM's guest agent in {@code agent/network-get-interfaces} ({@code result}), IPv4 first, each once.
 * {@code ip-addresses} (PVE ≥ 8.4; the agent's) lists every address, typed {@code inet}/{@code inet6} by LXC and
 * {@code ipv4}/{@code ipv6} by the agent (docs/pve-qemu.md §5); the older {@code inet} and {@code inet6} fields only
 * the last of each family, so both are read. The loopback interface and link-local addresses are left out: nothing
 * outside the guest reaches it there.
 */
final class GuestAddresses {

    private GuestAddresses() {
    }

    static List<String> of(JsonNode interfaces) {
        if (interfaces == null || !interfaces.isArray()) {
            return List.of();
        }
        Set<String> v4 = new LinkedHashSet<>();
        Set<String> v6 = new LinkedHashSet<>();
        for (JsonNode nic : interfaces) {
            if ("lo".equals(PveJson.text(nic, "name"))) {
                continue;
            }
            JsonNode listed = nic.get("ip-addresses");
            if (listed != null && listed.isArray()) {
                for (JsonNode a : listed) {
                    String type = PveJson.text(a, "ip-address-type");
                    add("inet6".equals(type) || "ipv6".equals(type) ? v6 : v4, PveJson.text(a, "ip-address"));
                }
            }
            add(v4, withoutPrefix(PveJson.text(nic, "inet")));
            add(v6, withoutPrefix(PveJson.text(nic, "inet6")));
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all;
    }

    /** The first IPv4 address, or null: what a new sandbox's URLs and the create call wait for. */
    static String ipv4(JsonNode interfaces) {
        for (String ip : of(interfaces)) {
            if (!ip.contains(":")) {
                return ip;
            }
        }
        return null;
    }

    private static String withoutPrefix(String cidr) {
        return cidr == null || !cidr.contains("/") ? cidr : cidr.substring(0, cidr.indexOf('/'));
    }

    private static void add(Set<String> family, String ip) {
        if (ip == null || ip.isBlank()) {
            return;
        }
        String lower = ip.trim().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("169.254.") && !lower.startsWith("fe80:")) {
            family.add(lower);
        }
    }
}
