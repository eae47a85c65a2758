package dev.cmux.gateway.route;

import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.PortRange;
import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.error.GatewayError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostRouterTest {

    private static final GatewayConfig WITH_DOMAIN = GatewayConfig.builder().domain("example.com")
            .hosts(Map.of("pve.example.com", UpstreamRoute.http("127.0.0.1:8006")))
            .build();
    private final HostRouter router = new HostRouter(WITH_DOMAIN);

    /** Expected: {@code sandbox PORT VMID}, {@code host NAME}, or the error code of the error table. */
    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}")
    @CsvSource(delimiter = '|', nullValues = "<missing>", value = {
        "port-8080-vm-200.example.com           | sandbox 8080 200",
        "PORT-8080-VM-200.EXAMPLE.COM           | sandbox 8080 200",
        "Port-8080-Vm-200.Example.Com:443       | sandbox 8080 200",
        "port-8080-vm-200.example.com:443       | sandbox 8080 200",
        "port-8080-vm-200.example.com.          | sandbox 8080 200",
        "port-8080-vm-200.example.com.:8443     | sandbox 8080 200",
        "port-1-vm-100.example.com              | sandbox 1 100",
        "port-65535-vm-999999999.example.com    | sandbox 65535 999999999",
        "port-08080-vm-200.example.com          | bad-host",
        "port-8080-vm-0200.example.com          | bad-host",
        "port-0-vm-200.example.com              | bad-host",
        "port-65536-vm-200.example.com          | bad-host",
        "port-99999999999-vm-200.example.com    | bad-host",
        "port-8080-vm-99.example.com            | bad-host",
        "port-8080-vm-1000000000.example.com    | bad-host",
        "port-8080-vm-99999999999999.example.com | bad-host",
        "port--vm-200.example.com               | bad-host",
        "port-80-vm-.example.com                | bad-host",
        "port-8O-vm-200.example.com             | bad-host",
        "port-80-vm-200                         | bad-host",
        "port-80-vm-200.example.com:abc         | bad-host",
        "port-80-vm-200.example.com:123456      | bad-host",
        "port-80-vm-200.example.com/evil        | bad-host",
        "user@port-80-vm-200.example.com        | bad-host",
        "port-80-vm-200.example.com:            | sandbox 80 200",
        "''                                     | bad-host",
        "[::1                                   | bad-host",
        "port-8080-vm-200.a.example.com         | no-route",
        "a.port-8080-vm-200.example.com         | no-route",
        "port-8080-vm-200.example.org           | no-route",
        "port-8080-vm-200.notexample.com        | no-route",
        "port-8080-vm-200.example.com.evil.net  | no-route",
        "example.com                            | no-route",
        "127.0.0.1:8080                         | no-route",
        "[::1]:8080                             | no-route",
        "[2001:db8::1]                          | no-route",
        "<missing>                              | no-route",
        "port-22-vm-200.example.com             | port-denied",
        "port-39375-vm-200.example.com          | port-denied",
        "pve.example.com                        | host pve.example.com",
        "port-8080-pvelxc-1a2b3c4d.example.com  | instance 8080 pvelxc-1a2b3c4d",
        "PORT-8080-PVELXC-1A2B3C4D.EXAMPLE.COM  | instance 8080 pvelxc-1a2b3c4d",
        "port-8080-pvelxc-1a2b3c4d.example.com. | instance 8080 pvelxc-1a2b3c4d",
        "Port-8080-PveLxc-1a2B3c4D.Example.Com.:443 | instance 8080 pvelxc-1a2b3c4d",
        "port-8080-cmux-200.example.com         | instance 8080 cmux-200",
        "port-8006-pve.example.com              | instance 8006 pve",
        "port-8080--pvelxc.example.com          | bad-host",
        "port-8080-pvelxc-.example.com          | bad-host",
        "port-8080-pve_lxc-1.example.com        | bad-host",
        "port-0-pvelxc-1a2b3c4d.example.com     | bad-host",
        "port-8080-pvelxc-1a2b3c4d              | bad-host",
        "port-8080-pvelxc-1a2b3c4d.a.example.com | no-route",
        "port-8080-pvelxc-1a2b3c4d.example.org  | no-route",
        "port-22-pvelxc-1a2b3c4d.example.com    | port-denied",
        "PVE.Example.Com:443                    | host pve.example.com",
        "pve.example.com.                       | host pve.example.com",
    })
    void routesEachHostAsTheTableSays(String host, String expected) {
        assertEquals(expected, describe(router.route(host)));
    }

    @Test
    void aControlCharacterInTheHostIsABadHost() {
        assertEquals("bad-host", describe(router.route("port-80-vm-200.example.com\t")));
        assertEquals("bad-host", describe(router.route("port-80-vm-200.example.com\r\nX: y")));
    }

    @Test
    void withoutADomainAnySuffixAfterTheFirstLabelRoutes() {
        HostRouter any = new HostRouter(GatewayConfig.defaults());
        assertEquals("sandbox 3000 201", describe(any.route("port-3000-vm-201.lab.home.arpa")));
        assertEquals("sandbox 3000 201", describe(any.route("port-3000-vm-201.localhost:8080")));
        assertEquals("bad-host", describe(any.route("port-3000-vm-201")));
        assertEquals("instance 3000 pvelxc-1a2b3c4d", describe(any.route("port-3000-pvelxc-1a2b3c4d.lab.home.arpa")));
        assertEquals("bad-host", describe(any.route("port-3000-pvelxc-1a2b3c4d")));
        assertEquals("no-route", describe(any.route("example.com")));
    }

    @Test
    void portsOutsideTheAllowedRangesOrInsideTheDeniedOnesAreRefused() {
        GatewayConfig config = WITH_DOMAIN.toBuilder()
                .allowedPorts(List.of(PortRange.parse("3000-3999"), PortRange.parse("39378")))
                .deniedPorts(List.of(PortRange.parse("3306"))).build();
        HostRouter narrow = new HostRouter(config);
        assertEquals("sandbox 3000 200", describe(narrow.route("port-3000-vm-200.example.com")));
        assertEquals("sandbox 39378 200", describe(narrow.route("port-39378-vm-200.example.com")));
        assertEquals("port-denied", describe(narrow.route("port-3306-vm-200.example.com")));
        assertEquals("port-denied", describe(narrow.route("port-8080-vm-200.example.com")));
    }

    @Test
    void theNoRouteHelpNamesTheRealPattern() {
        Route.NoRoute help = assertInstanceOf(Route.NoRoute.class, router.route("example.com"));
        assertEquals(GatewayError.NO_ROUTE, help.error());
        assertTrue(help.reason().contains("port-{port}-vm-{vmid}.example.com"), help.reason());
        assertTrue(help.reason().contains("port-8080-vm-200.example.com"), help.reason());
        Route.NoRoute noDomain = assertInstanceOf(Route.NoRoute.class,
                new HostRouter(GatewayConfig.defaults()).route("x"));
        assertTrue(noDomain.reason().contains("port-{port}-vm-{vmid}.{domain}"), noDomain.reason());
    }

    @Test
    void anInstanceIdIsOneDnsLabelOfAtMost63Characters() {
        assertEquals("instance 8080 " + "a".repeat(63), describe(router.route("port-8080-" + "a".repeat(63)
                + ".example.com")));
        assertEquals("bad-host", describe(router.route("port-8080-" + "a".repeat(64) + ".example.com")));
    }

    @Test
    void theNoRouteHelpShowsBothFormsAndAnUnknownInstanceSaysItsName() {
        Route.NoRoute help = assertInstanceOf(Route.NoRoute.class, router.route("example.com"));
        assertTrue(help.reason().contains("port-{port}-{instanceId}.example.com"), help.reason());
        assertTrue(help.reason().contains("port-8080-pvelxc-1a2b3c4d.example.com"), help.reason());
        Route.NoRoute unknown = router.unknownInstance("pvelxc-00000000");
        assertEquals(GatewayError.NO_ROUTE, unknown.error());
        assertTrue(unknown.reason().startsWith("No sandbox of this gateway is named pvelxc-00000000."),
                unknown.reason());
        assertTrue(unknown.reason().contains("port-{port}-vm-{vmid}.example.com"), unknown.reason());
        assertTrue(unknown.reason().contains("port-{port}-{instanceId}.example.com"), unknown.reason());
    }

    @Test
    void aLongHostIsCutOnTheErrorPage() {
        Route.NoRoute bad = assertInstanceOf(Route.NoRoute.class, router.route("port-x" + "a".repeat(5000)));
        assertTrue(bad.reason().length() < 400, bad.reason());
    }

    static String describe(Route route) {
        if (route instanceof Route.SandboxRoute s) {
            return "sandbox " + s.port() + " " + s.vmid();
        }
        if (route instanceof Route.InstanceRoute i) {
            return "instance " + i.port() + " " + i.instanceId();
        }
        if (route instanceof Route.HostRoute h) {
            return "host " + h.host();
        }
        return ((Route.NoRoute) route).error().code();
    }
}
