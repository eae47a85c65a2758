package dev.cmux.gateway.route;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cmux.control.sandbox.SandboxId;
import dev.cmux.gateway.config.GatewayConfig;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any Host header: the router never throws, and a sandbox route is only ever the one canonical spelling of
 * {@code port-P-vm-V.<domain>} (so no two hosts reach one sandbox port, and no odd host reaches any); an instance
 * route is one DNS label, lower case, in front of the domain.
 */
class HostRouterFuzzTest {

    private static final HostRouter ROUTER = new HostRouter(GatewayConfig.builder().domain("fuzz.test").build());

    @FuzzTest(maxDuration = "10m")
    void anyHostHeaderGivesARouteAndSandboxRoutesAreCanonical(String host) {
        Route route = ROUTER.route(host);
        assertNotNull(route);
        if (route instanceof Route.SandboxRoute s) {
            assertTrue(s.port() >= 1 && s.port() <= 65535 && s.port() != 22 && s.port() != 39375, host);
            assertTrue(SandboxId.inRange(s.vmid()), host);
            String name = host.toLowerCase(Locale.ROOT);
            int colon = name.indexOf(':');
            if (colon >= 0) {
                name = name.substring(0, colon);
            }
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            assertEquals("port-" + s.port() + "-vm-" + s.vmid() + ".fuzz.test", name, host);
        } else if (route instanceof Route.InstanceRoute i) {
            assertTrue(i.port() >= 1 && i.port() <= 65535 && i.port() != 22 && i.port() != 39375, host);
            assertTrue(i.instanceId().matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"), host);
            String name = host.toLowerCase(Locale.ROOT).split(":", 2)[0];
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            assertEquals("port-" + i.port() + "-" + i.instanceId() + ".fuzz.test", name, host);
        } else if (route instanceof Route.NoRoute n) {
            assertNotNull(n.error());
            assertTrue(n.reason().length() < 400, "error pages stay short");
        }
    }
}
