package dev.cmux.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.GuestEvent;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.TinyDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PVE cluster as README "A cluster" sets it up: one gateway per node (two gateway processes, the shaded jar, on
 * "pve1" and "pve2") in front of one three-node PVE emulator with a shared Ceph storage. Each node gives its guests
 * addresses of its own ({@code 127.0.<k>.x}), and each running guest serves an app there that answers with its vmid
 * and node and counts its bytes into the guest's PVE counters, as a veth would. The gateways share nothing but PVE.
 */
class ClusterIT {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final int TEMPLATE = 9000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private PveEmulator pve;
    private PveClient client;
    private TinyDnsServer dns;
    private GatewayJar a;
    private GatewayJar b;
    private int appPort;
    private final Map<Integer, HttpServer> apps = new ConcurrentHashMap<>();
    private final Map<Integer, String> servedOn = new ConcurrentHashMap<>();
    /** Each gateway's data plane and control API ports. */
    private final Map<GatewayJar, int[]> ports = new ConcurrentHashMap<>();
    private final ExecutorService appThreads = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        pve = PveEmulator.startCluster("pve1", "pve2", "pve3");
        for (int k = 1; k <= 3; k++) {
            pve.nodeAddress("pve" + k, "127.0." + k + ".");
        }
        pve.taskDuration(Duration.ofMillis(50));
        pve.seedTemplate(TEMPLATE, "ceph", 8, "cmux-template", null);
        pve.place(TEMPLATE, "pve1", null);
        appPort = RoutablePorts.pick();
        pve.onGuestChange(this::guestChanged);
        client = PveClient.create(pve.config(null));
        dns = new TinyDnsServer(); // knows no sandbox: addresses come from PVE
        a = gateway("a", "pve1", "pve3");
        b = gateway("b", "pve2", "template");
    }

    @AfterEach
    void stop() throws Exception {
        boolean cleanA = a == null || a.stop();
        boolean cleanB = b == null || b.stop();
        apps.values().forEach(s -> s.stop(0));
        appThreads.shutdownNow();
        client.close();
        dns.close();
        assertEquals(List.of(), pve.violations(), "every request the gateways sent matches PVE's schema");
        pve.close();
        assertTrue(cleanA && cleanB, "both gateways stopped cleanly, with no leak reported");
    }

    /** One gateway process, as on {@code node}, new sandboxes placed as {@code placement} says. */
    private GatewayJar gateway(String name, String node, String placement) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Path config = home.resolve("gateway.yaml");
        int port = RoutablePorts.pick();
        int controlPort = RoutablePorts.pick();
        Files.writeString(config, """
                listen: 127.0.0.1:%d
                domain: sandbox.test
                routing: { suffix: "" }
                resolver:
                  allowedNetworks: [127.0.0.0/8]
                  nameservers: ["127.0.0.1:%d"]
                  negativeTtl: 500ms
                control: { listen: "127.0.0.1:%d" }
                wake: { enabled: true, timeout: 30s }
                logging: { levels: { dev.cmux.control.lifecycle: debug } }
                lifecycle:
                  checkInterval: 200ms
                pve:
                  apiUrl: %s
                  apiToken: "%s"
                  node: %s
                  tlsFingerprint: "%s"
                  templateVmid: %d
                  placement: %s
                """.formatted(port, dns.address().getPort(), controlPort, pve.url(),
                PveEmulator.TOKEN, node, pve.fingerprint(), TEMPLATE, placement));
        GatewayJar gateway = GatewayJar.start(config, Map.of("GATEWAY_CONTROL_TOKEN", TOKEN));
        ports.put(gateway, new int[] {port, controlPort});
        return gateway;
    }

    // ---- the guests' apps -------------------------------------------------------------------------------------

    private void guestChanged(GuestEvent e) {
        HttpServer old = apps.remove(e.vmid());
        if (old != null) {
            old.stop(0);
        }
        if (e.running()) {
            serve(e.vmid(), e.node(), e.address());
        }
    }

    /** The guest's app: its vmid and node, every byte in and out counted into its PVE counters. */
    private void serve(int vmid, String node, String address) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), appPort), 64);
            byte[] body = ("vm-" + vmid + " on " + node).getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                long in = exchange.getRequestBody().readAllBytes().length + 200L; // the head, roughly
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
                pve.addTraffic(vmid, in, body.length + 120L);
            });
            server.setExecutor(appThreads);
            server.start();
            apps.put(vmid, server);
            servedOn.put(vmid, node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve vm-" + vmid + " at " + address, e);
        }
    }

    // ---- calls ------------------------------------------------------------------------------------------------

    private HttpResponse<String> get(GatewayJar gateway, int vmid) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(gateway)[0] + "/"))
                .header("Host", "port-" + appPort + "-vm-" + vmid + ".sandbox.test")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode control(GatewayJar gateway, String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + controlPort(gateway) + path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(60)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, method + " " + path + ": " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    private int controlPort(GatewayJar gateway) {
        return ports.get(gateway)[1];
    }

    private int create(GatewayJar gateway, String body) throws Exception {
        return control(gateway, "POST", "/v1/sandboxes?wait=true", body).path("sandbox").path("vmid").asInt();
    }

    // ---- the tests ----------------------------------------------------------------------------------------------

    @Test
    void eachGatewayPlacesAsItsConfigSaysAndEitherServesSandboxesOnEveryNode() throws Exception {
        int onPve3 = create(a, "{}"); // a: placement pve3
        int onPve1 = create(b, "{}"); // b: placement template, whose node is pve1
        int onPve2 = 4242; // made by someone else, stopped: the first request, through b, wakes it on its node
        pve.seedContainer(onPve2, "cmux-" + onPve2, false, "cmux", new SandboxMetadata("test", Instant.now(), null,
                SandboxMetadata.KEEP, null).toDescription());
        pve.place(onPve2, "pve2", "ceph");

        assertEquals("pve3", pve.nodeOf(onPve3));
        assertEquals("pve1", pve.nodeOf(onPve1));
        HttpResponse<String> woken = get(b, onPve2);
        assertEquals(200, woken.statusCode(), woken.body());
        assertEquals(1, pve.requests().stream().filter(("POST /api2/json/nodes/pve2/lxc/" + onPve2
                + "/status/start")::equals).count(), "woken once, on its own node");
        for (int vmid : List.of(onPve1, onPve2, onPve3)) {
            for (GatewayJar gateway : List.of(a, b)) {
                HttpResponse<String> r = get(gateway, vmid);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("vm-" + vmid + " on " + pve.nodeOf(vmid), r.body());
            }
        }
    }

    @Test
    void anOperationStartedOnOneGatewayIsReadOnTheOther() throws Exception {
        JsonNode accepted = control(a, "POST", "/v1/sandboxes?wait=false", "{}").path("operation");
        String id = accepted.path("id").asText();
        int vmid = accepted.path("vmid").asInt();
        assertTrue(id.startsWith("op-create-" + vmid + "-"), accepted.toString());

        JsonNode[] seen = new JsonNode[1];
        Await.until(() -> {
            seen[0] = control(b, "GET", "/v1/operations/" + id, null).path("operation");
            return !seen[0].path("state").asText().equals("running");
        }, Duration.ofSeconds(30), () -> "the create should end, as b reads it: " + seen[0]);
        assertEquals("succeeded", seen[0].path("state").asText(), seen[0].toString());
        assertEquals("pve", seen[0].path("source").asText(), "b read it from PVE: " + seen[0]);
        assertEquals(vmid, seen[0].path("sandbox").path("vmid").asInt(), seen[0].toString());
        assertEquals("pve3", seen[0].path("sandbox").path("node").asText(), "a placed it: " + seen[0]);
        assertEquals("this-gateway", control(a, "GET", "/v1/operations/" + id, null).path("operation")
                .path("source").asText(), "a ran it");
    }

    /** A request, when it was sent, and how it was answered. */
    private record Sent(long atNanos, int status, String body) {
    }

    @Test
    void aSandboxMigratedUnderTrafficIsReachedAtItsNewNodeByBothGatewaysAndNeverAtItsOldAddress() throws Exception {
        int vmid = create(a, "{}");
        assertEquals("pve3", pve.nodeOf(vmid));
        List<Sent> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        for (GatewayJar gateway : List.of(a, b)) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    long at = System.nanoTime();
                    try {
                        HttpResponse<String> r = get(gateway, vmid);
                        sent.add(new Sent(at, r.statusCode(), r.body()));
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        sent.add(new Sent(at, 0, String.valueOf(e)));
                    }
                }
            });
            t.start();
            senders.add(t);
        }
        Await.until(() -> sent.stream().filter(s -> s.status() == 200).count() >= 10, "traffic before the move");

        // an admin (or HA) moves it: a restart migration, its app stops at pve3's address and starts at pve1's
        new TaskWaiter(client, Poller.SYSTEM, Duration.ofMillis(20), Duration.ofSeconds(30)).await(client.post(
                "/nodes/pve3/lxc/" + vmid + "/migrate", Map.of("target", "pve1", "restart", 1)).asText());
        Await.until(() -> "pve1".equals(servedOn.get(vmid)), "its app serves at pve1's address");
        long moved = System.nanoTime();
        Await.until(() -> sent.stream().filter(s -> s.atNanos() > moved).count() >= 40, "traffic after the move");
        running.set(false);
        for (Thread t : senders) {
            t.join(30_000);
        }

        List<Sent> after = sent.stream().filter(s -> s.atNanos() > moved).toList();
        for (Sent s : after) {
            assertEquals(200, s.status(), "a request after the move: " + s.body());
            assertEquals("vm-" + vmid + " on pve1", s.body());
        }
        assertTrue(sent.stream().anyMatch(s -> s.body().equals("vm-" + vmid + " on pve3")), "served on pve3 before");
    }

    @Test
    void withIdleOnBothGatewaysTrafficThroughOneKeepsASandboxAwakeAndAnIdleOneIsPutToSleepOnce() throws Exception {
        String stopAfterASecond = "{\"autoStop\":{\"after\":\"1s\",\"action\":\"stop\"}}";
        int idle = create(a, stopAfterASecond);
        int busy = create(a, stopAfterASecond); // made last, its traffic starts at once: never a second unused
        AtomicBoolean running = new AtomicBoolean(true);
        Thread user = new Thread(() -> { // someone at work in it, through gateway a only
            while (running.get()) {
                try {
                    get(a, busy);
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception ignored) {
                    // counted below: the sandbox must still run
                }
            }
        });
        user.start();
        try {
            String stop = "lifecycle: stop sandbox " + idle + " (autoStop due ";
            Await.until(() -> a.output().stream().anyMatch(l -> l.contains(stop))
                    || b.output().stream().anyMatch(l -> l.contains(stop)), Duration.ofSeconds(60),
                    "a gateway should put the idle sandbox to sleep");
            // b's passes after that: the busy one was due in each of them by its own clock, were it not for PVE's
            // counters, which grow with the traffic through a
            int from = b.output().size();
            for (int pass = 0; pass < 5; pass++) {
                from = b.awaitLine(from, "lifecycle: pass done") + 1;
            }
        } finally {
            running.set(false);
            user.join(30_000);
        }
        assertEquals("running", pve.status(busy), "traffic through a keeps it awake on b too");
        for (GatewayJar gateway : List.of(a, b)) {
            List<String> acted = gateway.output().stream().filter(l -> l.contains("sandbox " + busy + " (autoStop"))
                    .toList();
            assertEquals(List.of(), acted, "no gateway acted on the busy one");
        }
        assertEquals("stopped", pve.status(idle));
        assertEquals(1, pve.responses().stream().filter(r -> r.startsWith("POST /api2/json/nodes/pve3/lxc/" + idle
                + "/status/stop -> 200")).count(), "put to sleep exactly once: " + pve.responses());
        List<String> requests = pve.requests();
        List<String> sinceStop = requests.subList(requests.indexOf("POST /api2/json/nodes/pve3/lxc/" + idle
                + "/status/stop"), requests.size());
        assertTrue(sinceStop.stream().noneMatch(r -> r.endsWith("/lxc/" + idle + "/status/start")),
                "and not woken again: " + sinceStop);
    }

    @Test
    void aNodeThatGoesOfflineTakesOnlyItsOwnSandboxesAndTheirRequestsNameIt() throws Exception {
        int onPve3 = create(a, "{}");
        int onPve1 = create(b, "{}");
        for (GatewayJar gateway : List.of(a, b)) {
            assertEquals(200, get(gateway, onPve3).statusCode(), "its address is known to both before");
        }

        pve.nodeOffline("pve3", true);

        for (GatewayJar gateway : List.of(a, b)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> ok = get(gateway, onPve1);
                assertEquals(200, ok.statusCode(), ok.body());
                HttpResponse<String> gone = get(gateway, onPve3);
                assertEquals(502, gone.statusCode(), gone.body());
                assertEquals("unresolved", gone.headers().firstValue("X-Gateway-Error").orElse(null));
                assertTrue(gone.body().contains("is on PVE node pve3, which cannot be reached now"), gone.body());
            }
        }
        JsonNode listed = control(b, "GET", "/v1/sandboxes", null);
        Map<Integer, String> states = new ConcurrentHashMap<>();
        listed.path("sandboxes").forEach(s -> states.put(s.path("vmid").asInt(), s.path("status").asText()));
        assertEquals(Map.of(onPve1, "running", onPve3, "unknown"), states);
    }
}
