package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * PVE as the authority on sandbox addresses for the gateway's resolver: the node and kind of a vmid from
 * {@code /cluster/resources}, a container's addresses from that node's {@code /interfaces}, a VM's from its guest
 * agent ({@code agent/network-get-interfaces}); and the node's DNS search domain for the backend suffix. Runs on the control executor and never blocks the caller. Any container is looked up,
 * tagged or not: the resolver's network policy decides what may be reached.
 */
public final class PveAddresses {

    private final PveClient pve;
    private final NodeLocator nodes;
    private final Executor executor;

    PveAddresses(PveClient pve, NodeLocator nodes, Executor executor) {
        this.pve = pve;
        this.nodes = nodes;
        this.executor = executor;
    }

    public PveAddresses(PveClient pve, String node, Executor executor) {
        this(pve, new NodeLocator(pve, node), executor);
    }

    /**
     * Every address PVE reports for the guest, IPv4 first; empty when PVE knows no such guest, it is stopped, or it
     * has no address yet. What the guest names itself in DNS plays no part: this is what the gateway trusts over
     * DNS. A running VM whose agent cannot be asked fails with {@link GuestAgentUnavailableException}.
     */
    public CompletableFuture<List<InetAddress>> addressesOf(int vmid) {
        return CompletableFuture.supplyAsync(() -> {
            JsonNode r = nodes.resource(vmid);
            if (r == null) {
                return List.<InetAddress>of();
            }
            try {
                List<InetAddress> found = new ArrayList<>();
                for (String ip : GuestAddresses.of(interfaces(pve, PveJson.text(r, "node"), NodeLocator.kindOf(r),
                        vmid))) {
                    // parsed as a literal only: a malformed entry is skipped, never looked up in DNS
                    InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
                    if (address != null) {
                        found.add(address);
                    }
                }
                return List.copyOf(found);
            } catch (PveException e) {
                if (e.noSuchContainer()) {
                    return List.<InetAddress>of();
                }
                if (e.nodeUnreachable()) {
                    throw new NodeUnreachableException(vmid, PveJson.text(r, "node"), e.getMessage());
                }
                throw e;
            }
        }, executor);
    }

    /**
     * What PVE reports of a guest's interfaces: a container's {@code /interfaces}, a VM's agent's {@code result}. A
     * VM asleep has none (null, so the gateway wakes it); a running one whose agent cannot be asked is
     * {@link GuestAgentUnavailableException}.
     */
    static JsonNode interfaces(PveClient pve, String node, SandboxKind kind, int vmid) {
        if (kind == SandboxKind.LXC) {
            return pve.interfaces(node, vmid);
        }
        // the state first: PVE asks an agent with a 3 s ping, which a paused VM never answers (docs/pve-qemu.md §5)
        if (!"running".equals(PveJson.text(pve.currentStatus(node, kind, vmid), "qmpstatus"))) {
            return null;
        }
        try {
            return pve.agentInterfaces(node, vmid);
        } catch (PveException e) {
            if (e.agentUnavailable()) {
                throw new GuestAgentUnavailableException(vmid, e.getMessage());
            }
            throw e;
        }
    }

    /**
     * The sandboxes of the cluster by host name, lower case (their instance ids: {@code pvelxc-1a2b3c4d}, or
     * {@code cmux-<vmid>}): containers tagged {@code cmux} that are not templates, stopped ones too (a request wakes
     * them). Untagged containers are left out, so their names never route; so is a name that two sandboxes bear.
     * {@code /cluster/resources} carries no name for a container created in the last ~10 s (pvestatd's broadcast
     * lags): its config is asked then.
     */
    public CompletableFuture<Map<String, Integer>> sandboxNames() {
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Integer> names = new HashMap<>();
            Set<String> shared = new HashSet<>();
            for (JsonNode r : pve.vmResources()) {
                SandboxKind kind = NodeLocator.kindOf(r);
                if (kind == null || !SandboxService.isSandbox(PveJson.text(r, "tags"), PveJson.intValue(r.get("template"), 0))) {
                    continue;
                }
                int vmid = PveJson.intValue(r.get("vmid"), -1);
                String name = PveJson.text(r, "name");
                if (name == null) {
                    try {
                        name = PveJson.text(pve.config(PveJson.text(r, "node"), kind, vmid),
                                kind == SandboxKind.VM ? "name" : "hostname");
                    } catch (PveException e) {
                        if (!e.noSuchContainer()) {
                            throw e;
                        }
                    }
                }
                if (name != null && names.putIfAbsent(name.toLowerCase(Locale.ROOT), vmid) != null) {
                    shared.add(name.toLowerCase(Locale.ROOT));
                }
            }
            names.keySet().removeAll(shared); // a name two sandboxes bear says neither: it routes nowhere
            return names;
        }, executor);
    }

    /** The {@code search} domain of the node sandboxes are created on ({@code GET /nodes/{node}/dns}). */
    public CompletableFuture<Optional<String>> searchDomain() {
        return CompletableFuture.supplyAsync(() -> {
            JsonNode dns = pve.dns(nodes.createNode());
            String search = PveJson.text(dns, "search");
            return search == null || search.isBlank() ? Optional.<String>empty() : Optional.of(search.trim());
        }, executor);
    }
}
