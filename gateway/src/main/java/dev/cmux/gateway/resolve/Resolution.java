package dev.cmux.gateway.resolve;

import dev.cmux.gateway.error.GatewayException;

import java.net.InetAddress;

/** What a lookup of one vmid found: an address, or the failure to answer with. Both are cached (for different times). */
record Resolution(InetAddress address, GatewayException failure, long bornNanos) {

    static Resolution found(InetAddress address) {
        return new Resolution(address, null, System.nanoTime());
    }

    static Resolution failed(GatewayException failure) {
        return new Resolution(null, failure, System.nanoTime());
    }

    boolean ok() {
        return address != null;
    }
}
