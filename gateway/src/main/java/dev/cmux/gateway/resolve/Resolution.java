package dev.cmux.gateway.resolve;

import dev.cmux.gateway.error.GatewayException;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/** What a lookup of one vmid found: an address, or the failure to answer with. Both are cached (for different times). */
record Resolution(InetAddress address, GatewayException failure, long bornNanos, CompletableFuture<InetAddress> asFuture) {

    // made once per lookup, so a cache hit hands out a finished future without allocating one per request
    static Resolution found(InetAddress address, long nowNanos) {
        return new Resolution(address, null, nowNanos, CompletableFuture.completedFuture(address));
    }

    static Resolution failed(GatewayException failure, long nowNanos) {
        return new Resolution(null, failure, nowNanos, CompletableFuture.failedFuture(failure));
    }

    boolean ok() {
        return address != null;
    }
}
