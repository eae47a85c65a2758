package dev.cmux.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HarnessTest {

    @Test
    void eachRoundStartsTheComparedTargetsOneLater() {
        assertEquals(List.of("direct", "gateway", "caddy", "nginx"), Harness.inTurn(1));
        assertEquals(List.of("gateway", "caddy", "nginx", "direct"), Harness.inTurn(2));
        assertEquals(List.of("caddy", "nginx", "direct", "gateway"), Harness.inTurn(3));
        assertEquals(List.of("direct", "gateway", "caddy", "nginx"), Harness.inTurn(5));
    }

    @Test
    void anEarlierGatewayTakesItsTurnWithTheOthers() {
        List<String> compared = List.of("direct", "gateway", "caddy", "nginx", Harness.BASELINE);
        assertEquals(List.of("gateway", "caddy", "nginx", "gateway-base", "direct"), Harness.inTurn(compared, 2));
        assertEquals(List.of("gateway-base", "direct", "gateway", "caddy", "nginx"), Harness.inTurn(compared, 5));
    }

    @Test
    void throughAProxyTheHostNamesTheBackendPortOfSandbox200() {
        var gateway = TargetUnderTest.proxy("gateway", 18083, 1);
        assertEquals("port-18081-vm-200.bench.test", gateway.route(18081).host());
        assertEquals(18083, gateway.route(18081).address().getPort());
        var direct = TargetUnderTest.direct();
        assertEquals("127.0.0.1:18081", direct.route(18081).host());
        assertEquals(18081, direct.route(18081).address().getPort());
    }
}
