package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
    void aRunThatCountedNothingRunsOnceMoreAndOnlyOnce() throws Exception {
        Labels labels = new Labels("ws-64k", "direct", 1);
        var target = TargetUnderTest.direct().route(18081);
        Deque<Long> counts = new ArrayDeque<>(List.of(0L, 42L));
        int[] between = {0};
        LoadClient starvedOnce = (l, t) -> Optional.of(JsonNodeFactory.instance.objectNode().put("count", counts.pop()));
        assertEquals(42, starvedOnce.runCounted(labels, target, () -> between[0]++).orElseThrow().get("count").asLong());
        assertEquals(1, between[0]);

        int[] runs = {0};
        LoadClient broken = (l, t) -> {
            runs[0]++;
            return Optional.empty();
        };
        assertTrue(broken.runCounted(labels, target, () -> { }).isEmpty());
        assertEquals(2, runs[0], "a broken scenario is tried twice, not forever");

        LoadClient fine = (l, t) -> Optional.of(JsonNodeFactory.instance.objectNode().put("count", 7));
        assertEquals(7, fine.runCounted(labels, target, () -> fail("no second run")).orElseThrow().get("count")
                .asLong());
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
