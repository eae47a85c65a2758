package dev.cmux.gateway.peers;

import dev.cmux.gateway.testing.PeerProcess;
import dev.cmux.gateway.testing.GatewayJar;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket.IO through the gateway: a Node {@code socket.io} server is the sandbox, the official
 * {@code socket.io-client} connects to {@code http://port-<p>-vm-200.sandbox.test:<gateway>} (its HTTP agent
 * resolves *.sandbox.test to loopback, so polling and the WebSocket upgrade carry the real Host), as cmux's
 * browser and server do (reference/cmux.md §4.1).
 */
class PeerSocketIoIT {

    private static final Path ARTIFACTS = Path.of("target", "peers", "PeerSocketIoIT");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIB = 1024 * 1024;
    /** Short, so that an idle session sees several pings within seconds; cmux uses 30 s. */
    private static final int PING_INTERVAL_MS = 2000;
    /**
     * Generous: with polling, the server's ping waits behind a 14 MB poll response that the Node client needs
     * seconds to take in on a loaded two-core machine (3.6-6 s measured, direct or through the gateway; 9.7 s with
     * bench/run.sh --smoke running alongside, which ended a session at 15 s).
     */
    private static final int PING_TIMEOUT_MS = 30_000;
    /** 1,000 events: every 100th carries 1 MiB of random bytes, the others 16 bytes (socketio-client.js). */
    private static final long ECHOED_BYTES = 10L * MIB + 990L * 16;

    private static final AtomicInteger CLIENT_RUNS = new AtomicInteger();

    private static String node;
    private static GatewayJar gateway;
    private static PeerProcess server;
    private static int serverPort;

    @BeforeAll
    @Timeout(120)
    static void startGatewayAndSocketIoServer() throws Exception {
        node = Installed.node();
        Installed.recordVersions(ARTIFACTS, List.of(), List.of("socket.io", "socket.io-client", "engine.io",
                "engine.io-client", "ws"));
        gateway = GatewayJar.start(ARTIFACTS);
        server = PeerProcess.start("socketio-server", ARTIFACTS, List.of(node, "socketio-server.js",
                "--ping-interval", String.valueOf(PING_INTERVAL_MS), "--ping-timeout", String.valueOf(PING_TIMEOUT_MS)),
                Map.of(), Installed.NODE_DIR);
        String ready = server.awaitLine(line -> line.startsWith("{\"listening\""), Duration.ofSeconds(30));
        serverPort = JSON.readTree(ready).get("listening").asInt();
    }

    @AfterAll
    static void stopPeers() {
        PeerProcess.closeAll(server, gateway);
    }

    @Test
    @Timeout(120)
    void withDefaultTransportsTheHandshakeLongPollsThenUpgradesAndAThousandEventsWithMebibyteAttachmentsRoundTripInOrder()
            throws Exception {
        int logged = gateway.accessLog().size();

        JsonNode result = client("default-transports");

        assertEquals("polling", result.at("/hello/transport").asText(), "the handshake is a long-polling GET: " + result);
        assertEquals("websocket", result.get("final").asText(), "then it upgrades: " + result);
        assertEquals(1000, result.get("events").asInt(), result.toString());
        assertEquals(ECHOED_BYTES, result.get("binaryBytes").asLong(), result.toString());
        assertEquals(0, result.get("disconnects").size(), result.toString());
        assertEquals(GatewayJar.sandboxHost(serverPort) + ":" + gateway.port(), result.at("/hello/host").asText(),
                "the sandbox sees the public Host");
        socketIoEntries(logged, entries -> entries.stream().anyMatch(e -> status(e) == 200 && isGet(e))
                        && entries.stream().anyMatch(e -> status(e) == 101 && e.path("upgraded").asBoolean()),
                "a long-polling GET (200) and the WebSocket upgrade (101) through the gateway");
    }

    @Test
    @Timeout(120)
    void withPollingOnlyAThousandEventsWithMebibyteAttachmentsRoundTripInOrder() throws Exception {
        int logged = gateway.accessLog().size();

        JsonNode result = client("polling-only");

        assertEquals("polling", result.get("final").asText(), result.toString());
        assertEquals(1000, result.get("events").asInt(), result.toString());
        assertEquals(ECHOED_BYTES, result.get("binaryBytes").asLong(), result.toString());
        assertEquals(0, result.get("disconnects").size(), result.toString());
        List<JsonNode> entries = socketIoEntries(logged, all -> all.stream().anyMatch(e -> status(e) == 200
                && !isGet(e) && e.get("bytesIn").asLong() > MIB), "1 MiB attachments going up in POST bodies");
        // 200s, and at most the poll that was still open when the client process left (499, clientAborted)
        assertTrue(entries.stream().allMatch(e -> status(e) == 200
                || status(e) == 499 && e.path("clientAborted").asBoolean()), entries.toString());
    }

    @Test
    @Timeout(120)
    void anIdlePollingSessionOutlivesSeveralPingIntervalsWithEachPollHeldOpenUntilThePing() throws Exception {
        int logged = gateway.accessLog().size();
        // longer than pingInterval + pingTimeout: a ping or pong lost in the gateway would end the session
        int idleMs = 2 * PING_INTERVAL_MS + PING_TIMEOUT_MS;

        JsonNode result = client("polling-idle", "idleMs=" + idleMs);

        assertEquals("polling", result.get("final").asText(), result.toString());
        assertTrue(result.get("pings").asInt() >= 2, "the server's pings arrived: " + result);
        assertTrue(result.get("sameId").asBoolean() && result.get("connected").asBoolean(), result.toString());
        assertEquals(0, result.get("disconnects").size(), result.toString());
        assertEquals(10, result.get("events").asInt(), "events still round-trip after the idle time: " + result);
        socketIoEntries(logged, entries -> entries.stream().filter(e -> isGet(e) && status(e) == 200
                        && e.get("durationMs").asLong() >= PING_INTERVAL_MS * 3L / 4).count() >= 2,
                "GET polls held open by the gateway until the server's ping, about one pingInterval each");
    }

    @Test
    @Timeout(120)
    void aQueryStringAuthTokenReachesTheServerAndNeverAppearsInTheAccessLog() throws Exception {
        int logged = gateway.accessLog().size();
        String jwt = jwt();
        String signature = jwt.substring(jwt.lastIndexOf('.') + 1);

        // the default (long-polling first), then cmux's main client: transports ["websocket", "polling"]
        JsonNode pollingFirst = client("query-auth", "auth=" + jwt, "team=team-42");
        JsonNode webSocketFirst = client("query-auth", "auth=" + jwt, "team=team-42", "transports=websocket,polling");

        assertEquals("polling", pollingFirst.at("/hello/transport").asText(), pollingFirst.toString());
        assertEquals("websocket", webSocketFirst.at("/hello/transport").asText(), webSocketFirst.toString());
        for (JsonNode result : List.of(pollingFirst, webSocketFirst)) {
            assertEquals(jwt, result.at("/hello/auth").asText(), "the token reached the server: " + result);
            assertEquals("team-42", result.at("/hello/team").asText(), result.toString());
            assertEquals("websocket", result.get("final").asText(), result.toString());
            assertEquals(10, result.get("events").asInt(), result.toString());
        }
        socketIoEntries(logged, entries -> entries.stream().filter(e -> status(e) == 101).count() >= 2
                && entries.stream().anyMatch(e -> status(e) == 200), "both sessions' requests");
        for (String line : gateway.output()) {
            assertFalse(line.contains(signature) || line.contains("auth="),
                    "the gateway's output must not contain the token: " + line);
        }
    }

    /** Runs one scenario of socketio-client.js against the sandbox through the gateway; returns what it printed. */
    private static JsonNode client(String scenario, String... params) throws Exception {
        List<String> command = new ArrayList<>(List.of(node, "socketio-client.js", scenario,
                "http://" + GatewayJar.sandboxHost(serverPort) + ":" + gateway.port(), "timeoutMs=90000"));
        command.addAll(List.of(params));
        PeerProcess client = PeerProcess.start("socketio-client-" + CLIENT_RUNS.incrementAndGet() + "-" + scenario,
                ARTIFACTS, command, Map.of(), Installed.NODE_DIR);
        int exit = client.awaitExit(Duration.ofSeconds(100));
        assertEquals(0, exit, "socket.io-client " + scenario + " failed; its output:\n" + client.outputText()
                + "\ngateway:\n" + tail(gateway.output()));
        // its one result line; anything else Node prints (a warning) goes before it or beside it
        List<String> results = client.output().stream().filter(line -> line.startsWith("{\"events\"")).toList();
        assertEquals(1, results.size(), "one result line from socket.io-client " + scenario + "; its output:\n"
                + client.outputText());
        return JSON.readTree(results.get(0));
    }

    /** This sandbox's Socket.IO entries in the access log from index {@code from}, once {@code complete} holds. */
    private static List<JsonNode> socketIoEntries(int from, Predicate<List<JsonNode>> complete, String what)
            throws Exception {
        return gateway.awaitAccessLog(from, e -> e.get("path").asText().equals("/socket.io/")
                && e.get("host").asText().startsWith(GatewayJar.sandboxHost(serverPort)), complete, what);
    }

    private static int status(JsonNode entry) {
        return entry.get("status").asInt();
    }

    private static boolean isGet(JsonNode entry) {
        return entry.get("method").asText().equals("GET");
    }

    /** A JSON Web Token as cmux's client sends it: header.payload.signature, base64url. */
    private static String jwt() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        byte[] signature = new byte[32];
        new SecureRandom().nextBytes(signature);
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"user-peer-test\",\"exp\":"
                + Instant.now().plusSeconds(600).getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + b64.encodeToString(signature);
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
