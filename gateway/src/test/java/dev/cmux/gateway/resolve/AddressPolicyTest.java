package dev.cmux.gateway.resolve;

import dev.cmux.gateway.config.Cidr;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SSRF guard: the PVE host's bridge address (where the PVE API on 8006 and, if so configured, the control API
 * listen) lies inside the allowed LAN, and is still refused unless listed on its own.
 */
class AddressPolicyTest {

    private static final InetAddress BRIDGE = ip("10.10.0.1");
    private static final InetAddress SANDBOX = ip("10.10.0.200");

    @Test
    void theHostsOwnAddressIsRefusedEvenInsideAnAllowedNetwork() {
        AddressPolicy policy = new AddressPolicy(List.of(Cidr.parse("10.0.0.0/8")), Set.of(BRIDGE));
        assertNull(policy.refusal(SANDBOX));
        String refusal = policy.refusal(BRIDGE);
        assertNotNull(refusal);
        assertTrue(refusal.contains("gateway host itself"), refusal);
    }

    @Test
    void listingTheSingleAddressAllowsIt() {
        AddressPolicy policy = new AddressPolicy(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.10.0.1/32")),
                Set.of(BRIDGE));
        assertNull(policy.refusal(BRIDGE));
    }

    @Test
    void loopbackAndPublicAddressesAreOutsideTheDefaults() {
        AddressPolicy policy = new AddressPolicy(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"),
                Cidr.parse("192.168.0.0/16"), Cidr.parse("fc00::/7")), Set.of());
        assertNotNull(policy.refusal(ip("127.0.0.1")));
        assertNotNull(policy.refusal(ip("169.254.169.254")), "cloud metadata");
        assertNotNull(policy.refusal(ip("8.8.8.8")));
        assertNotNull(policy.refusal(ip("::1")));
        assertNull(policy.refusal(ip("fd00::5")));
        assertNull(policy.refusal(ip("::ffff:192.168.1.5")), "an IPv4-mapped address is the IPv4 address");
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByAddress(io.netty.util.NetUtil.createByteArrayFromIpAddressString(literal));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
