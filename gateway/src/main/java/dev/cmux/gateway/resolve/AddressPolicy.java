package dev.cmux.gateway.resolve;

import dev.cmux.gateway.config.Cidr;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The SSRF guard: a sandbox name may only lead to an address inside {@code resolver.allowedNetworks}. The
 * gateway host's own addresses (the PVE API on the bridge address, the control API) are refused even inside an
 * allowed network, unless the operator lists that exact address ({@code /32} or {@code /128}).
 */
final class AddressPolicy {

    private final List<Cidr> allowed;
    private final Set<InetAddress> ownAddresses;

    AddressPolicy(List<Cidr> allowed, Set<InetAddress> ownAddresses) {
        this.allowed = allowed;
        this.ownAddresses = Set.copyOf(ownAddresses);
    }

    /** Reads the host's interface addresses once, at start-up (a blocking call, never on an event loop). */
    static AddressPolicy forThisHost(List<Cidr> allowed) {
        Set<InetAddress> own = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                own.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            // no interface list: loopback and the allowed networks still guard
        }
        return new AddressPolicy(allowed, own);
    }

    /** {@code null} when {@code address} may be connected to, else why not (one sentence). */
    String refusal(InetAddress address) {
        boolean inNetwork = false;
        boolean listedExactly = false;
        for (Cidr network : allowed) {
            if (network.contains(address)) {
                inNetwork = true;
                listedExactly |= network.prefix() == network.network().length * 8;
            }
        }
        if (!inNetwork) {
            return "its address " + address.getHostAddress() + " is outside resolver.allowedNetworks.";
        }
        if (ownAddresses.contains(address) && !listedExactly && !address.isLoopbackAddress()) {
            return "its address " + address.getHostAddress() + " belongs to the gateway host itself; list it in "
                    + "resolver.allowedNetworks as a single address to allow that.";
        }
        return null;
    }
}
