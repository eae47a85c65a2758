package dev.cmux.gateway.resolve;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One way to find a sandbox's address, asked after the static overrides and DNS have no answer: the control API
 * plugs in PVE's {@code /nodes/{node}/lxc/{vmid}/interfaces} here. Must not block the calling thread.
 */
@FunctionalInterface
public interface AddressSource {

    /** The address of {@code vmid}, empty when this source does not know it. */
    CompletableFuture<Optional<InetAddress>> lookup(int vmid);
}
