package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.exec.ExecdServer;
import dev.cmux.control.exec.PctExec;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.control.testing.Await;
import dev.cmux.control.testing.LogCapture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlApiTest {

    static final String TOKEN = ControlApiFixture.TOKEN;
    static final ObjectMapper JSON = new ObjectMapper();

    private ControlApiFixture fixture;
    private PveEmulator pve;
    private ExecdServer execd;
    private ControlServices services;
    private ControlServer server;
    private final List<Integer> invalidated = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        fixture = ControlApiFixture.start("sandbox.example.com", true, invalidated::add);
        pve = fixture.pve();
        execd = fixture.execd();
        services = fixture.services();
        server = fixture.server();
    }

    private SandboxSettings settings() {
        return fixture.settings();
    }

    private ControlServer serve(ControlServices s, CloudflareConfig cloudflare) throws InterruptedException {
        return fixture.serve(s, cloudflare);
    }

    @AfterEach
    void stop() {
        List<String> violations = pve.violations();
        fixture.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        String errorCode() {
            return json.path("error").path("code").asText();
        }

        String errorMessage() {
            return json.path("error").path("message").asText();
        }
    }

    Reply call(ControlServer target, String method, String path, String body, String token, String accept)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.address().getPort()
                + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isBlank() || accept != null ? null : JSON.readTree(r.body());
        return new Reply(r.statusCode(), json, r);
    }

    private JsonNode operation(String href) throws IOException, InterruptedException {
        return call("GET", href, null).json().path("operation");
    }

    Reply call(String method, String path, String body) throws IOException, InterruptedException {
        return call(server, method, path, body, TOKEN, null);
    }

    int createRunning() throws IOException, InterruptedException {
        Reply r = call("POST", "/v1/sandboxes?wait=true", "{}");
        assertEquals(201, r.status(), r.raw().body());
        return r.json().path("sandbox").path("vmid").asInt();
    }

    @Test
    void healthAnswersWithoutAToken() throws Exception {
        assertEquals(200, call(server, "GET", "/healthz", null, null, null).status());
    }

    @Test
    void readyReportsThePveVersion() throws Exception {
        Reply r = call(server, "GET", "/readyz", null, null, null);
        assertEquals(200, r.status());
        assertEquals("reachable", r.json().path("pve").path("state").asText());
        assertEquals("9.2.11", r.json().path("pve").path("version").asText());
    }

    @Test
    void createWithWaitAnswers201WithTheSandboxAndItsUrls() throws Exception {
        Reply r = call("POST", "/v1/sandboxes?wait=true", "{\"cores\":2,\"memory\":2048,\"ttl\":\"2h\",\"owner\":\"ci\"}");

        assertEquals(201, r.status(), r.raw().body());
        JsonNode s = r.json().path("sandbox");
        assertEquals(100, s.path("vmid").asInt());
        assertEquals("cmux-100", s.path("hostname").asText());
        assertEquals("running", s.path("status").asText());
        assertEquals("ci", s.path("owner").asText());
        assertEquals("PT2H", s.path("ttl").asText());
        assertEquals("https://port-39378-vm-100.sandbox.example.com", s.path("urls").path("vscode").asText());
        assertEquals("https://port-5173-vm-100.sandbox.example.com", s.path("urls").path("preview").asText());
        assertEquals("succeeded", r.json().path("operation").path("state").asText());
        assertEquals(List.of(100), invalidated);
    }

    @Test
    void createWithoutWaitAnswers202AndTheOperationFinishes() throws Exception {
        Reply r = call("POST", "/v1/sandboxes", "{}");
        assertEquals(202, r.status(), r.raw().body());
        String href = r.json().path("operation").path("href").asText();
        assertEquals(href, r.raw().headers().firstValue("Location").orElseThrow());

        Await.until(() -> !operation(href).path("state").asText().equals("running"), "the operation finishes");
        JsonNode op = operation(href);
        assertEquals("succeeded", op.path("state").asText(), op.toString());
        assertEquals(100, op.path("vmid").asInt());
        assertEquals("running", op.path("sandbox").path("status").asText());
    }

    @Test
    void listShowsSandboxesAndDeleteRemovesThem() throws Exception {
        int vmid = createRunning();
        Reply list = call("GET", "/v1/sandboxes", null);
        assertEquals(200, list.status());
        assertEquals(1, list.json().path("sandboxes").size());
        assertEquals(vmid, list.json().path("sandboxes").get(0).path("vmid").asInt());

        assertEquals(200, call("DELETE", "/v1/sandboxes/" + vmid, null).status());
        assertFalse(pve.exists(vmid));
        assertEquals(404, call("GET", "/v1/sandboxes/" + vmid, null).status());
    }

    @Test
    void powerActionsWaitAndReturnTheNewState() throws Exception {
        int vmid = createRunning();
        Reply stopped = call("POST", "/v1/sandboxes/" + vmid + "/stop", null);
        assertEquals(200, stopped.status(), stopped.raw().body());
        assertEquals("stopped", stopped.json().path("sandbox").path("status").asText());
        Reply started = call("POST", "/v1/sandboxes/" + vmid + "/start", null);
        assertEquals("running", started.json().path("sandbox").path("status").asText());
    }

    @Test
    void execRunsThroughExecdAndAnswersJson() throws Exception {
        int vmid = createRunning();
        Reply r = call("POST", "/v1/sandboxes/" + vmid + "/exec",
                "{\"command\":\"echo hello; echo warn >&2; exit 7\",\"timeoutMs\":20000}");

        assertEquals(200, r.status(), r.raw().body());
        assertEquals(7, r.json().path("exitCode").asInt());
        assertEquals("hello", r.json().path("stdout").asText());
        assertEquals("warn", r.json().path("stderr").asText());
        assertEquals("execd", r.json().path("via").asText());
        assertTrue(r.json().has("durationMs"));
    }

    @Test
    void execStreamsNdjsonWhenAskedTo() throws Exception {
        int vmid = createRunning();
        Reply r = call(server, "POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"echo a; echo b\"}", TOKEN,
                "application/x-ndjson");

        assertEquals(200, r.status());
        assertEquals("application/x-ndjson", r.raw().headers().firstValue("Content-Type").orElseThrow());
        List<JsonNode> lines = r.raw().body().lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertEquals("{\"type\":\"stdout\",\"data\":\"a\"}", lines.get(0).toString());
        assertEquals("{\"type\":\"stdout\",\"data\":\"b\"}", lines.get(1).toString());
        assertEquals("{\"type\":\"exit\",\"code\":0}", lines.get(2).toString());
        assertEquals("result", lines.get(3).path("type").asText());
        assertEquals("execd", lines.get(3).path("via").asText());
    }

    // ---- the error table ----

    @Test
    void aBodyOverOneMebibyteIs413AndNothingIsCreated() throws Exception {
        Reply r = call("POST", "/v1/sandboxes", "{\"owner\":\"" + "x".repeat(ControlServer.MAX_BODY) + "\"}");
        assertEquals(413, r.status());
        assertEquals(List.of(9000), pve.vmids(), "nothing was created");
    }

    @Test
    void unknownFieldIs400NamingTheField() throws Exception {
        Reply r = call("POST", "/v1/sandboxes", "{\"memroy\":2048,\"cores\":\"two\"}");
        assertEquals(400, r.status());
        assertEquals("unknown-field", r.errorCode());
        assertTrue(r.errorMessage().contains("'memroy'"), r.errorMessage());
        assertTrue(r.json().path("error").path("details").path("fields").has("memroy"));
        assertTrue(r.json().path("error").path("details").path("fields").has("cores"));
        assertEquals(List.of(9000), pve.vmids(), "nothing was created");
    }

    @Test
    void createTakesAnIdlePolicyByItsOlderNameAndShowsItAsAutoStop() throws Exception {
        Reply r = call("POST", "/v1/sandboxes?wait=true", "{\"idle\":{\"after\":\"30m\",\"action\":\"suspend\"}}");
        assertEquals(201, r.status(), r.raw().body());
        assertEquals("PT30M", r.json().path("sandbox").path("autoStop").path("after").asText());
        assertEquals("suspend", r.json().path("sandbox").path("autoStop").path("action").asText());

        Reply listed = call("GET", "/v1/sandboxes", null);
        JsonNode s = listed.json().path("sandboxes").get(0);
        assertEquals("suspend", s.path("autoStop").path("action").asText());
        assertTrue(s.has("lastActivity"), s.toString());
    }

    @Test
    void aBadIdlePolicyIs400NamingTheNestedField() throws Exception {
        Reply r = call("POST", "/v1/sandboxes", "{\"idle\":{\"after\":\"soon\",\"action\":\"nap\",\"x\":1}}");
        assertEquals(400, r.status());
        JsonNode fields = r.json().path("error").path("details").path("fields");
        assertTrue(fields.has("idle.after"), fields.toString());
        assertTrue(fields.has("idle.action"), fields.toString());
        assertTrue(fields.has("idle.x"), fields.toString());
        assertEquals(List.of(9000), pve.vmids(), "nothing was created");
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        Reply none = call(server, "GET", "/v1/sandboxes", null, null, null);
        assertEquals(401, none.status());
        assertEquals("Bearer", none.raw().headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals(401, call(server, "POST", "/v1/sandboxes", "{}", "wrong", null).status());
        assertEquals(401, call(server, "GET", "/v1/nowhere", null, null, null).status());
    }

    @Test
    void unknownSandboxIs404AndABadIdIs400() throws Exception {
        Reply r = call("GET", "/v1/sandboxes/4242", null);
        assertEquals(404, r.status());
        assertEquals("unknown-sandbox", r.errorCode());
        pve.seedContainer(300, "prod-db", true, "prod", null);
        assertEquals(404, call("DELETE", "/v1/sandboxes/300", null).status(), "untagged containers are not ours");
        assertTrue(pve.exists(300));
        assertEquals(400, call("GET", "/v1/sandboxes/12", null).status());
    }

    /** cmux names sandboxes by host name (its instance id): every sandbox route takes that for the vmid too. */
    @Test
    void sandboxRoutesTakeTheHostNameOfASandboxForItsVmid() throws Exception {
        int vmid = createRunning();
        pve.seedContainer(301, "pvelxc-1a2b3c4d", true, "cmux", null);
        pve.seedContainer(300, "prod-db", true, "prod", null);

        Reply byName = call("GET", "/v1/sandboxes/cmux-" + vmid, null);
        assertEquals(200, byName.status(), byName.raw().body());
        assertEquals(vmid, byName.json().path("vmid").asInt());
        assertEquals(301, call("GET", "/v1/sandboxes/PVELXC-1a2b3c4d", null).json().path("vmid").asInt(),
                "host names are case-insensitive");
        Reply stopped = call("POST", "/v1/sandboxes/pvelxc-1a2b3c4d/stop", null);
        assertEquals("stopped", stopped.json().path("sandbox").path("status").asText(), stopped.raw().body());
        assertEquals(true, call("GET", "/v1/sandboxes/pvelxc-1a2b3c4d/is-stopped", null).json().path("stopped")
                .asBoolean(false));

        Reply unknown = call("GET", "/v1/sandboxes/pvelxc-deadbeef", null);
        assertEquals(404, unknown.status());
        assertEquals("unknown-sandbox", unknown.errorCode());
        assertEquals(404, call("DELETE", "/v1/sandboxes/prod-db", null).status(), "a name that is not a sandbox's");
        assertTrue(pve.exists(300));
        Reply bad = call("GET", "/v1/sandboxes/not_a_name", null);
        assertEquals(400, bad.status());
        assertEquals("bad-vmid", bad.errorCode());
        assertEquals(401, call(server, "GET", "/v1/sandboxes/pvelxc-deadbeef", null, null, null).status(),
                "no answer about names without the token");
    }

    /** cmux's "resume a task's sandbox": back from whatever state it is in, and a running one left alone. */
    @Test
    void resumeBringsASandboxBackFromSuspendedOrStoppedAndLeavesARunningOneAlone() throws Exception {
        int vmid = createRunning();
        String status = "/api2/json/nodes/pve/lxc/" + vmid + "/status/";
        long calls = pve.requests().stream().filter(r -> r.startsWith("POST " + status)).count();
        Reply running = call("POST", "/v1/sandboxes/" + vmid + "/resume", null);
        assertEquals(200, running.status(), running.raw().body());
        assertEquals("running", running.json().path("sandbox").path("status").asText());
        assertEquals(calls, pve.requests().stream().filter(r -> r.startsWith("POST " + status)).count(),
                "no power action asked of PVE");

        assertEquals(200, call("POST", "/v1/sandboxes/" + vmid + "/suspend", null).status());
        Reply fromSuspend = call("POST", "/v1/sandboxes/" + vmid + "/resume", null);
        assertEquals("running", fromSuspend.json().path("sandbox").path("status").asText(), fromSuspend.raw().body());
        assertTrue(pve.requests().contains("POST " + status + "resume"), "a checkpoint is resumed");

        call("POST", "/v1/sandboxes/" + vmid + "/stop", null);
        Reply fromStop = call("POST", "/v1/sandboxes/" + vmid + "/resume", null);
        assertEquals(200, fromStop.status(), fromStop.raw().body());
        assertEquals("running", fromStop.json().path("sandbox").path("status").asText());
    }

    @Test
    void isStoppedSaysStoppedAndDeletedAsCmuxAsks() throws Exception {
        int vmid = createRunning();
        JsonNode running = call("GET", "/v1/sandboxes/" + vmid + "/is-stopped", null).json();
        assertEquals(false, running.path("stopped").asBoolean(true), running.toString());
        assertEquals(false, running.path("deleted").asBoolean(true));
        call("POST", "/v1/sandboxes/" + vmid + "/stop", null);
        JsonNode stopped = call("GET", "/v1/sandboxes/" + vmid + "/is-stopped", null).json();
        assertEquals("stopped", stopped.path("status").asText());
        assertTrue(stopped.path("stopped").asBoolean() && !stopped.path("deleted").asBoolean(true));
        assertEquals(200, call("DELETE", "/v1/sandboxes/" + vmid, null).status());
        Reply gone = call("GET", "/v1/sandboxes/" + vmid + "/is-stopped", null);
        assertEquals(200, gone.status(), "deleted is the answer, not an error");
        assertTrue(gone.json().path("stopped").asBoolean() && gone.json().path("deleted").asBoolean());
    }

    @Test
    void theSandboxHealthSaysWhetherPveAnswersAndHowFast() throws Exception {
        JsonNode health = call("GET", "/v1/health/sandbox", null).json();
        assertEquals("ok", health.path("status").asText(), health.toString());
        assertEquals("pve-lxc", health.path("provider").asText());
        assertTrue(health.path("providerStatus").asText().startsWith("PVE "), health.toString());
        assertTrue(health.path("latencyMs").isIntegralNumber() && health.path("latencyMs").asLong() >= 0);
        PveConfig gone = new PveConfig(URI.create("https://127.0.0.1:9/api2/json"), PveEmulator.TOKEN, "pve", 9000,
                true, pve.fingerprint(), null);
        try (ControlServices down = ControlServices.create(gone, settings(), v -> { }, Optional.empty(),
                Clock.systemUTC()); ControlServer s = serve(down, CloudflareConfig.defaults())) {
            JsonNode error = call(s, "GET", "/v1/health/sandbox", null, TOKEN, null).json();
            assertEquals("error", error.path("status").asText(), error.toString());
            assertTrue(error.path("providerStatus").asText().startsWith("PVE did not answer"), error.toString());
        }
    }

    @Test
    void conflictingStateIs409() throws Exception {
        int vmid = createRunning();
        Reply r = call("POST", "/v1/sandboxes/" + vmid + "/start", null);
        assertEquals(409, r.status(), r.raw().body());
        assertTrue(r.errorMessage().contains("already running"), r.errorMessage());
        call("POST", "/v1/sandboxes/" + vmid + "/stop", null);
        Reply exec = call("POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"true\"}");
        assertEquals(409, exec.status());
        assertEquals("not-running", exec.errorCode());
    }

    @Test
    void createBeyondTheRateLimitIs429WithRetryAfter() throws Exception {
        ControlServices limited = services.withCreateRateLimit(1, Duration.ofMinutes(1));
        try (ControlServer second = serve(limited, CloudflareConfig.defaults())) {
            assertEquals(202, call(second, "POST", "/v1/sandboxes", "{}", TOKEN, null).status());
            Reply r = call(second, "POST", "/v1/sandboxes", "{}", TOKEN, null);
            assertEquals(429, r.status());
            assertEquals("rate-limited", r.errorCode());
            long retry = Long.parseLong(r.raw().headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        }
    }

    @Test
    void pveRefusalIs502WithPvesMessageAndTheCloneIsGone() throws Exception {
        pve.failNextStartTask("startup for container '100' failed");
        Reply r = call("POST", "/v1/sandboxes?wait=true", "{}");

        assertEquals(502, r.status(), r.raw().body());
        assertEquals("pve-error", r.errorCode());
        assertTrue(r.errorMessage().contains("startup for container '100' failed"), r.errorMessage());
        assertTrue(r.json().path("error").path("details").path("taskLog").isArray());
        assertFalse(pve.exists(100), "rolled back");
    }

    @Test
    void withoutPveTheSandboxEndpointsAre503SayingWhatToSet() throws Exception {
        try (ControlServices none = ControlServices.disabled();
             ControlServer bare = serve(none, CloudflareConfig.defaults())) {
            Reply r = call(bare, "GET", "/v1/sandboxes", null, TOKEN, null);
            assertEquals(503, r.status());
            assertEquals("pve-not-configured", r.errorCode());
            assertTrue(r.errorMessage().contains("PVE_API_URL"), r.errorMessage());
            Reply tunnel = call(bare, "POST", "/v1/tunnel/setup", "{}", TOKEN, null);
            assertEquals(503, tunnel.status());
            assertEquals("cloudflare-not-configured", tunnel.errorCode());
            assertEquals("not-configured", call(bare, "GET", "/readyz", null, null, null).json()
                    .path("pve").path("state").asText());
        }
    }

    @Test
    void unreachablePveIs503AndNotReady() throws Exception {
        PveConfig gone = new PveConfig(URI.create("https://127.0.0.1:9/api2/json"), PveEmulator.TOKEN, "pve", 9000,
                true, pve.fingerprint(), null);
        try (ControlServices down = ControlServices.create(gone, settings(), vmid -> { }, Optional.empty(),
                Clock.systemUTC()); ControlServer s = serve(down, CloudflareConfig.defaults())) {
            Reply ready = call(s, "GET", "/readyz", null, null, null);
            assertEquals(503, ready.status());
            assertEquals("unreachable", ready.json().path("pve").path("state").asText());
            Reply list = call(s, "GET", "/v1/sandboxes", null, TOKEN, null);
            assertEquals(503, list.status());
            assertEquals("pve-unreachable", list.errorCode());
        }
    }

    /** Services of the same PVE with a {@code pct} on this host: the fake one installed in {@code dir}. */
    private ControlServices withFakePct(java.nio.file.Path dir) throws IOException {
        return ControlServices.create(pve.config(9000), settings(), vmid -> { },
                PctExec.find(dev.cmux.control.exec.FakePct.install(dir).toString(), null), Clock.systemUTC());
    }

    @Test
    void execFallsBackToPctWhenExecdIsDown() throws Exception {
        int vmid = createRunning();
        execd.close();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pct");
        ControlServices withPct = withFakePct(dir);
        try (withPct; ControlServer s = serve(withPct, CloudflareConfig.defaults())) {
            Reply r = call(s, "POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"echo via-pct\"}", TOKEN, null);
            assertEquals(200, r.status(), r.raw().body());
            assertEquals("pct", r.json().path("via").asText());
            assertEquals("via-pct", r.json().path("stdout").asText());
        }
    }

    /** The token of a sandbox as its init got it at start (what cmux's token-init hands execd). */
    private Optional<String> tokenInside(int vmid) {
        return Optional.ofNullable(pve.runtimeEnvironment(vmid).get("CMUX_EXECD_AUTH_TOKEN"));
    }

    @Test
    void createGivesEverySandboxItsOwnExecdTokenInItsRuntimeEnvironment() throws Exception {
        int a = createRunning();
        int b = createRunning();

        String tokenA = tokenInside(a).orElseThrow();
        String tokenB = tokenInside(b).orElseThrow();
        assertTrue(tokenA.matches("[a-f0-9]{64}"), "32 random bytes in hex, the form cmux's token-init accepts");
        assertFalse(tokenA.equals(tokenB), "one token per sandbox");
        assertEquals("CMUX_EXECD_AUTH_TOKEN=" + tokenA, pve.configOf(a).get("env"), "kept in PVE's config");
        for (Reply r : List.of(call("GET", "/v1/sandboxes/" + a, null), call("GET", "/v1/sandboxes", null))) {
            assertFalse(r.raw().body().contains(tokenA), "the API never shows a token");
        }
    }

    @Test
    void execSendsTheSandboxTokenToAnExecdThatRequiresItAndNoLogLineHoldsIt() throws Exception {
        try (LogCapture log = LogCapture.of("", java.util.logging.Level.ALL)) {
            int vmid = createRunning();
            execd.requireToken(() -> tokenInside(vmid));
            Reply r = call("POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"echo in\"}");
            assertEquals(200, r.status(), r.raw().body());
            assertEquals("in", r.json().path("stdout").asText());
            assertEquals("execd", r.json().path("via").asText());
            String token = tokenInside(vmid).orElseThrow();
            assertEquals("Bearer " + token, execd.authorizations().get(execd.authorizations().size() - 1));

            execd.requireToken(() -> Optional.of("0".repeat(64)));
            Reply refused = call("POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"echo in\"}");
            assertEquals(502, refused.status(), refused.raw().body());
            assertEquals("execd-unauthorized", refused.errorCode());
            assertTrue(refused.errorMessage().contains("refused the sandbox's token"), refused.errorMessage());
            assertFalse(refused.raw().body().contains(token));

            assertFalse(log.records().isEmpty(), "the create was logged");
            for (java.util.logging.LogRecord record : log.records()) {
                String text = new java.util.logging.SimpleFormatter().format(record);
                assertFalse(text.contains(token), "a log line holds the token: " + text);
            }
        }
    }

    @Test
    void aRefusedTokenIsNotHiddenByAPctFallback() throws Exception {
        int vmid = createRunning();
        execd.requireToken(() -> Optional.of("0".repeat(64)));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pct");
        ControlServices withPct = withFakePct(dir);
        try (withPct; ControlServer s = serve(withPct, CloudflareConfig.defaults())) {
            Reply r = call(s, "POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"echo x\"}", TOKEN, null);
            assertEquals(502, r.status(), r.raw().body());
            assertEquals("execd-unauthorized", r.errorCode());
            assertEquals(List.of(), dev.cmux.control.exec.FakePct.calls(dir));
        }
    }

    @Test
    void onPve84TheTokenGoesToTheDescriptionForTheHookscriptOfCmuxTemplates() throws Exception {
        pve.release("8.4");
        Reply created = call("POST", "/v1/sandboxes?wait=true", "{\"owner\":\"ci\"}");
        assertEquals(201, created.status(), created.raw().body());
        int vmid = created.json().path("sandbox").path("vmid").asInt();

        assertEquals(null, pve.configOf(vmid).get("env"), "PVE 8.4 knows no env");
        String description = (String) pve.configOf(vmid).get("description");
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^cmux-execd-auth-token=([a-f0-9]{64})$")
                .matcher(description);
        assertTrue(line.find(), description);
        String token = line.group(1);
        assertEquals("ci", call("GET", "/v1/sandboxes/" + vmid, null).json().path("owner").asText(),
                "the metadata line still reads");

        // what the hookscript and cmux's token-init give execd on such a host
        execd.requireToken(() -> Optional.of(token));
        Reply r = call("POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"echo old-pve\"}");
        assertEquals(200, r.status(), r.raw().body());
        assertEquals("old-pve", r.json().path("stdout").asText());

        assertEquals(200, call("PATCH", "/v1/sandboxes/" + vmid, "{\"ttl\":\"3h\"}").status());
        assertTrue(((String) pve.configOf(vmid).get("description")).contains("cmux-execd-auth-token=" + token),
                "a metadata change keeps the token line");
    }

    @Test
    void aSandboxMadeBeforeTokensSendsNoneAndStillExecs() throws Exception {
        pve.seedContainer(251, "cmux-251", true, "cmux", null);
        Reply r = call("POST", "/v1/sandboxes/251/exec", "{\"command\":\"echo legacy\"}");
        assertEquals(200, r.status(), r.raw().body());
        assertEquals("legacy", r.json().path("stdout").asText());
        assertEquals(List.of(""), execd.authorizations());
    }

    @Test
    void startWithConfigsOnlyBuildsItsOwnServicesFromThePveConfig() throws Exception {
        pve.seedContainer(250, "cmux-250", true, "cmux", null);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ControlServer own = ControlServer.start(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), TOKEN),
                pve.config(9000), CloudflareConfig.defaults(), loops, NioServerSocketChannel.class)) {
            Reply r = call(own, "GET", "/v1/sandboxes/250", null, TOKEN, null);
            assertEquals(200, r.status(), r.raw().body());
            assertEquals("running", r.json().path("status").asText());
            assertEquals(0, r.json().path("urls").size(), "no public domain was given");
        } finally {
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Test
    void metricsCountAnswersOperationsAndExecsForLoopbackScrapers() throws Exception {
        int vmid = createRunning();
        call("POST", "/v1/sandboxes/" + vmid + "/exec", "{\"command\":\"true\"}");
        call("GET", "/v1/sandboxes/4242", null);

        Reply r = call(server, "GET", "/metrics", null, null, "text/plain");
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.raw().headers().firstValue("Content-Type")
                .orElse(null));
        String text = r.raw().body();
        assertEquals(1, value(text, "cmux_control_operations_total{kind=\"create\",state=\"succeeded\"}"), text);
        assertEquals(1, value(text, "cmux_control_exec_total{result=\"ok\",via=\"execd\"}"), text);
        assertEquals(1, value(text, "cmux_control_responses_total{code=\"404\"}"), text);
        assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0, "the JVM's metrics are there too");
        assertTrue(value(text, "jvm_memory_heap_used_bytes") > 0, text);

        MetricSet gateway = new MetricSet();
        gateway.gauge("cmux_gateway_up", "Added by the gateway.", () -> 1);
        try (ControlServer withGateway = serve(services.withMetrics(gateway), CloudflareConfig.defaults())) {
            assertEquals(1, value(call(withGateway, "GET", "/metrics", null, null, "text/plain").raw().body(),
                    "cmux_gateway_up"));
        }
    }

    @Test
    void metricsAnswerOpenMetricsWhenAskedAndTextWhenProtobufIsPreferred() throws Exception {
        Reply open = call(server, "GET", "/metrics", null, null, "application/openmetrics-text; version=1.0.0");
        assertEquals(200, open.status());
        assertTrue(open.raw().headers().firstValue("Content-Type").orElse("")
                .startsWith("application/openmetrics-text; version=1.0.0"), open.raw().headers().toString());
        assertTrue(open.raw().body().endsWith("# EOF\n"), open.raw().body());
        assertTrue(value(open.raw().body(), "jvm_memory_heap_used_bytes") > 0, "the same names as in text");

        // what Prometheus sends with native histograms on: protobuf first, text after
        Reply proto = call(server, "GET", "/metrics", null, null, "application/vnd.google.protobuf;"
                + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,text/plain;version=0.0.4;q=0.3");
        assertEquals(200, proto.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", proto.raw().headers().firstValue("Content-Type")
                .orElse(null));
    }
}
