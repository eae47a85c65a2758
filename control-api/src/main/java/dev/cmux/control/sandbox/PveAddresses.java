package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * PVE as an address source for the gateway's resolver: the node of a vmid from {@code /cluster/resources}, its
 * IPv4 from that node's {@code /interfaces}; and the node's DNS search domain for the backend suffix. Runs on the
 * control executor and never blocks the caller. Any container is looked up, tagged or not: the resolver's network
 * policy decides what may be reached, as it does for DNS answers.
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

    /** The container's IPv4, empty when PVE knows no such container or it is stopped. */
    public CompletableFuture<Optional<InetAddress>> lookup(int vmid) {
        return CompletableFuture.supplyAsync(() -> {
            JsonNode r = nodes.resource(vmid);
            if (r == null) {
                return Optional.empty();
            }
            try {
                String ip = AddressWaiter.ipv4(pve.interfaces(PveJson.text(r, "node"), vmid));
                // an IP literal: getByName parses it without a DNS query
                return ip == null ? Optional.<InetAddress>empty() : Optional.of(InetAddress.getByName(ip));
            } catch (PveException e) {
                if (e.noSuchContainer()) {
                    return Optional.empty();
                }
                throw e;
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
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
