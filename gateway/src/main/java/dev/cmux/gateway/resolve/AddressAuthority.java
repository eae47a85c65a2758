package dev.cmux.gateway.resolve;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Who says which addresses belong to which vmid when DNS cannot be trusted to: PVE, from the container's
 * {@code /interfaces}. Root inside a sandbox sets its own host name, and a home router's DNS registers whatever
 * name a DHCP client sends, so {@code cmux-100} in DNS may well be sandbox 101. Must not block the calling thread.
 */
@FunctionalInterface
public interface AddressAuthority {

    /** The addresses of {@code vmid}, preferred first; empty when it has none (stopped, or no such sandbox). */
    CompletableFuture<List<InetAddress>> addressesOf(int vmid);
}
