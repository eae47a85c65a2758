package dev.cmux.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.testing.Await;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.PveAddresses;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code port-{port}-{instanceId}.{domain}} (cmux's URL form) through the data plane, the names looked up in PVE
 * (the emulator) by the same {@link PveAddresses} the running gateway uses. Every sandbox's address is pinned to
 * loopback, where one server answers for all: only the name lookup decides whether a request gets there.
 */
class InstanceRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(2);

    private final HttpClient http = GatewayUnderTest.client();
    private final AtomicLong nanos = new AtomicLong();
    private PveEmulator pve;
    private PveClient client;
    private ExecutorService executor;
    private MiniHttpServer inside;
    private GatewayUnderTest gateway;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = RoutablePorts.pick();
        inside = MiniHttpServer.on(InetAddress.getLoopbackAddress(), port, "inside");
        pve = PveEmulator.start();
        pve.seedContainer(220, "pvelxc-1a2b3c4d", true, "cmux", null);
        pve.seedContainer(223, "pve", true, null, null); // a container that is not a sandbox
        pve.seedContainer(224, "pvelxc-0000000f", true, "other", null); // tagged, but not cmux
        client = PveClient.create(pve.config(null));
        executor = Executors.newSingleThreadExecutor();
        PveAddresses addresses = new PveAddresses(client, "auto", executor);
        gateway = GatewayUnderTest.start(Transport.NIO,
                c -> c.toBuilder().resolverTtls(Duration.ofSeconds(30), Duration.ofSeconds(20), NEGATIVE_TTL).build(),
                DataPlaneLinks.standalone().withResolverTicker(nanos::get).withNames(addresses::sandboxNames),
                220, 223, 224, 225);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        inside.close();
        executor.shutdownNow();
        client.close();
        assertEquals(List.of(), pve.violations());
        pve.close();
    }

    @Test
    void theInstanceFormReachesItsSandboxInAnyCaseWithOrWithoutATrailingDotAndIsLoggedByVmid() throws Exception {
        for (String host : List.of("port-" + port + "-pvelxc-1a2b3c4d.sandbox.test",
                "PORT-" + port + "-PVELXC-1A2B3C4D.SANDBOX.TEST", "port-" + port + "-pvelxc-1a2b3c4d.sandbox.test.",
                "port-" + port + "-PveLxc-1a2b3C4D.sandbox.test.:8080")) {
            HttpResponse<String> r = send(host);
            assertEquals(200, r.statusCode(), host + ": " + r.body());
            assertEquals("inside", r.body());
        }
        assertEquals(200, send("port-" + port + "-vm-220.sandbox.test").statusCode(), "the vmid form as well");
        for (String line : gateway.accessLog(5)) {
            assertEquals("vm-220:" + port, JSON.readTree(line).path("upstream").asText(), line);
        }
        assertEquals(1, listings(), "five requests, one look at PVE's list: " + pve.requests());
    }

    @Test
    void anUnknownInstanceIs404NoRouteAndTheHelpShowsBothForms() throws Exception {
        HttpResponse<String> r = send("port-" + port + "-pvelxc-99999999.sandbox.test");
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("no-route", r.headers().firstValue("X-Gateway-Error").orElse(null));
        assertTrue(r.body().contains("No sandbox of this gateway is named pvelxc-99999999."), r.body());
        assertTrue(r.body().contains("port-{port}-vm-{vmid}.sandbox.test"), r.body());
        assertTrue(r.body().contains("port-{port}-{instanceId}.sandbox.test"), r.body());
        assertEquals(0, inside.requests().size());
    }

    @Test
    void aContainerThatIsNotATaggedSandboxIsNotReachableByItsName() throws Exception {
        // cmux's Caddy regex sent port-8006-pve.{domain} to pve.lan:8006; here a name routes only as a sandbox's
        for (String name : List.of("pve", "pvelxc-0000000f")) {
            HttpResponse<String> r = send("port-" + port + "-" + name + ".sandbox.test");
            assertEquals(404, r.statusCode(), name + ": " + r.body());
            assertEquals("no-route", r.headers().firstValue("X-Gateway-Error").orElse(null));
        }
        assertEquals(0, inside.requests().size(), "nothing reached the address of either container");
    }

    @Test
    void unknownNamesAskPveAtMostOncePerNegativeTtlAndANewSandboxIsFoundAfterIt() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(404, send("port-" + port + "-made-up-" + i + ".sandbox.test").statusCode());
        }
        assertEquals(1, listings(), "twenty made-up names, one question to PVE");
        pve.seedContainer(225, "pvelxc-0badc0de", true, "cmux", null);
        assertEquals(404, send("port-" + port + "-pvelxc-0badc0de.sandbox.test").statusCode(),
                "not yet: the last answer is younger than negativeTtl");
        nanos.addAndGet(NEGATIVE_TTL.toNanos());
        HttpResponse<String> found = send("port-" + port + "-pvelxc-0badc0de.sandbox.test");
        assertEquals(200, found.statusCode(), found.body());
        assertEquals(2, listings());
        List<String> log = gateway.accessLog(22);
        assertEquals("vm-225:" + port, JSON.readTree(log.get(21)).path("upstream").asText(), log.get(21));
    }

    @Test
    void aKnownNameIsServedFromTheCachedListWhichIsRefreshedAheadSoAnUntaggedSandboxStopsRouting() throws Exception {
        String host = "port-" + port + "-pvelxc-1a2b3c4d.sandbox.test";
        assertEquals(200, send(host).statusCode());
        client.updateConfig("pve", 220, Map.of("tags", "retired")); // no longer a sandbox of this gateway
        assertEquals(200, send(host).statusCode(), "within refreshAfter the cached list answers");
        assertEquals(1, listings());
        nanos.addAndGet(Duration.ofSeconds(20).toNanos());
        assertEquals(200, send(host).statusCode(), "past refreshAfter: answered at once, refreshed behind it");
        // the refresh runs behind that answer: once it has landed, the name routes nowhere
        Await.until(() -> send(host).statusCode() == 404, "the refreshed list no longer names it");
        assertEquals(2, listings(), "one refresh, no more");
        HttpResponse<String> gone = send(host);
        assertEquals(404, gone.statusCode(), gone.body());
        assertEquals("no-route", gone.headers().firstValue("X-Gateway-Error").orElse(null));
    }

    private long listings() {
        return pve.requests().stream().filter(r -> r.startsWith("GET /api2/json/cluster/resources")).count();
    }

    private HttpResponse<String> send(String host) throws Exception {
        return http.send(gateway.request(host, "/").build(), HttpResponse.BodyHandlers.ofString());
    }
}
