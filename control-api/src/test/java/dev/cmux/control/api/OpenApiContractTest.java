package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.cloudflare.CloudflareEmulator;
import dev.cmux.control.cloudflare.PublishedControlApi;
import dev.cmux.control.cloudflare.TunnelCommand;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.doctor.Doctor;
import dev.cmux.control.doctor.PveChecks;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.testing.Await;
import dev.cmux.control.traffic.TrafficRings;
import dev.cmux.control.ui.OperatorPage;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract: the OpenAPI document ({@code control-api/src/main/resources/openapi.json}) lists exactly the routes
 * of the routing table, and every answer the server really gives (here, one walk through every operation with its
 * errors; in the other API tests, every answer they get, through {@link ControlApiFixture}) is one it allows.
 */
class OpenApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiDocument DOCUMENT = ContractTap.DOCUMENT;

    @TempDir
    Path dir;
    private ControlApiFixture fixture;
    private CloudflareEmulator cf;
    private ControlServices services;
    private ControlServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        fixture = ControlApiFixture.start("sandbox.example.com", true, ResolverInvalidation.NONE);
        cf = CloudflareEmulator.start();
        CloudflareEmulator.Site site = cf.seedSite("example.com");
        CloudflareConfig cloudflare = new CloudflareConfig(cf.url(), site.token(), site.accountId(), null,
                "example.com", "cmux-gateway", dir.resolve("cloudflared"), dir.resolve("systemd"),
                CloudflareConfig.DEFAULT_READY_URL);
        PveConfig config = fixture.configWithSmallPreset();
        ControlServices plain = ControlServices.create(config, fixture.settings(), ResolverInvalidation.NONE,
                Optional.empty(), Clock.systemUTC());
        services = plain.withReload(List::of)
                .withDoctor(new Doctor(Map.of("pve", new PveChecks(plain.parts().pve(), config))))
                .withTraffic(new TrafficRings(Clock.systemUTC(), List.of("no-route")));
        services = services.withTunnel(TunnelHandler.create(new TunnelCommand.Settings(cloudflare, "127.0.0.1:8080",
                null, () -> "reloaded", new PublishedControlApi.Endpoint("127.0.0.1:8081", false), "pve1"), services));
        server = fixture.serve(services, cloudflare);
    }

    @AfterEach
    void stop() {
        List<String> violations = fixture.pve().violations();
        server.close();
        services.close();
        cf.close();
        fixture.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
        cf.assertNoViolations();
    }

    @Test
    void everyRouteOfTheRoutingTableIsDocumentedAndEveryDocumentedOperationIsARoute() {
        List<String> routes = new ControlRoutes(new BearerToken(ControlApiFixture.TOKEN), services,
                CloudflareConfig.defaults()).router().routes();
        Set<String> documented = DOCUMENT.operations();

        List<String> problems = new ArrayList<>();
        for (String route : routes) {
            if (!documented.contains(route) && documented.stream().noneMatch(op -> underPrefix(route, op))) {
                problems.add("route " + route + " is not in the document");
            }
        }
        for (String op : documented) {
            if (!routes.contains(op) && routes.stream().noneMatch(route -> underPrefix(route, op))) {
                problems.add("the document's " + op + " is not a route");
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(routes.size() >= 30 && routes.contains("POST /v1/sandboxes/{vmid}/exec"), routes.toString());
    }

    /** A route {@code GET /ui/**} stands for the documented operations under {@code /ui/} with its method. */
    private static boolean underPrefix(String route, String op) {
        if (!route.endsWith("/**")) {
            return false;
        }
        String prefix = route.substring(0, route.length() - 2);
        return op.startsWith(prefix);
    }

    @Test
    void theDocumentIsServedWithoutATokenAsItIsInTheRepository() throws Exception {
        HttpResponse<String> r = send("GET", "/v1/openapi.json", null, Map.of());

        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        assertEquals(Files.readString(Path.of("src/main/resources/openapi.json")), r.body());
        assertEquals("3.1.0", JSON.readTree(r.body()).path("openapi").asText());
    }

    @Test
    void anAnswerTheDocumentDoesNotAllowIsAViolation() {
        String sandbox = "{\"vmid\":200,\"kind\":\"lxc\",\"hostname\":\"cmux-200\",\"node\":\"pve\","
                + "\"status\":\"running\","
                + "\"address\":null,\"lastActivity\":null,\"openWebSockets\":0,\"nextAction\":null,\"urls\":{},"
                + "\"instanceUrls\":{}}";
        assertEquals(List.of(), DOCUMENT.violations("GET", "/v1/sandboxes/200", 200, "application/json", sandbox));

        assertViolation("GET", "/v1/sandboxes/200", 200, "application/json",
                sandbox.replace("\"node\":\"pve\",", "\"node\":\"pve\",\"secret\":1,"), "secret");
        assertViolation("GET", "/v1/sandboxes/200", 200, "application/json",
                sandbox.replace("\"status\":\"running\",", ""), "status");
        assertViolation("GET", "/v1/sandboxes/200", 200, "application/json",
                sandbox.replace("\"running\"", "\"exploded\""), "exploded");
        assertViolation("GET", "/healthz", 418, "application/json", "{\"status\":\"ok\"}", "status 418");
        assertViolation("GET", "/healthz", 200, "text/plain", "ok", "media type 'text/plain'");
        assertViolation("GET", "/v1/unheard-of", 200, "application/json", "{}", "no such operation");
        assertViolation("GET", "/v1/sandboxes/200", 404, "application/json",
                "{\"error\":{\"code\":\"made-up-code\",\"message\":\"m\"}}", "made-up-code");
        assertViolation("POST", "/v1/sandboxes/200/exec", 200, "application/x-ndjson",
                "{\"type\":\"stdout\",\"data\":\"hi\"}\n{\"type\":\"exit\",\"code\":\"zero\"}\n", "zero");
        assertViolation("GET", "/v1/operations/x", 200, "application/json", "{\"operation\":{\"id\":\"x\","
                + "\"kind\":\"create\",\"vmid\":null,\"state\":\"running\",\"created\":\"yesterday\","
                + "\"finished\":null,\"href\":\"/v1/operations/x\"}}", "yesterday");
    }

    @Test
    void theTapReportsARealAnswerTheDocumentDoesNotAllow() throws Exception {
        ApiHandler surprising = exchange -> exchange.respond(HttpResponseStatus.OK, Map.of("surprise", true));
        try (ControlServer odd = fixture.serve(services.withTunnel(surprising), CloudflareConfig.defaults())) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + odd.address().getPort() + "/v1/tunnel/status")).header("Authorization", "Bearer "
                    + ControlApiFixture.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }

        List<String> caught = fixture.contract().drain();
        assertTrue(!caught.isEmpty() && caught.stream().allMatch(v -> v.startsWith("GET /v1/tunnel/status -> 200: ")),
                caught.toString());
        assertTrue(caught.stream().anyMatch(v -> v.contains("'surprise' is not defined")), caught.toString());
        assertTrue(caught.stream().anyMatch(v -> v.contains("'checks' not found")), caught.toString());
    }

    private static void assertViolation(String method, String path, int status, String type, String body,
                                        String mentioned) {
        List<String> v = DOCUMENT.violations(method, path, status, type, body);
        assertTrue(!v.isEmpty() && String.join("\n", v).contains(mentioned), mentioned + " not reported: " + v);
    }

    @Test
    void everyDocumentedOperationAnswersAsTheDocumentSays() throws Exception {
        String auth = "Bearer " + ControlApiFixture.TOKEN;
        Map<String, String> token = Map.of("Authorization", auth);
        expect(200, "GET", "/healthz", null, Map.of());
        expect(200, "GET", "/readyz", null, Map.of());
        expect(200, "GET", "/metrics", null, Map.of());
        expect(200, "GET", "/v1/openapi.json", null, Map.of());
        expect(401, "GET", "/v1/sandboxes", null, Map.of());

        int vmid = json(expect(201, "POST", "/v1/sandboxes?wait=true", "{\"owner\":\"contract\",\"ttl\":\"2h\","
                + "\"autoStop\":{\"after\":\"30m\",\"action\":\"suspend\"},\"autoDelete\":\"7d\"}", token))
                .path("sandbox").path("vmid").asInt();
        String href = json(expect(202, "POST", "/v1/sandboxes", "{}", token)).path("operation").path("href").asText();
        Await.until(() -> !json(send("GET", href, null, token)).path("operation").path("state").asText()
                .equals("running"), "the create to finish");
        expect(400, "POST", "/v1/sandboxes", "{\"memroy\":1}", token);
        expect(200, "GET", "/v1/sandboxes", null, token);
        expect(200, "GET", "/v1/sandboxes?orphans=true", null, token);
        String s = "/v1/sandboxes/" + vmid;
        expect(200, "GET", s, null, token);
        expect(404, "GET", "/v1/sandboxes/999999", null, token);
        expect(200, "PATCH", s, "{\"protected\":false,\"idlePolicy\":\"stop\"}", token);
        expect(200, "POST", s + "/exec", "{\"command\":\"echo contract\"}", token);
        expect(200, "POST", s + "/exec", "{\"command\":\"echo contract\"}", Map.of("Authorization", auth,
                "Accept", "application/x-ndjson"));
        expect(201, "POST", s + "/snapshots", "{\"name\":\"clean\",\"description\":\"before\"}", token);
        expect(200, "GET", s + "/snapshots", null, token);
        expect(200, "POST", s + "/snapshots/clean/rollback", null, token);
        expect(200, "DELETE", s + "/snapshots/clean", null, token);
        expect(200, "GET", s + "/is-stopped", null, token);
        expect(200, "POST", s + "/stop", null, token);
        expect(409, "POST", s + "/exec", "{\"command\":\"true\"}", token);
        expect(200, "POST", s + "/resume", null, token);
        expect(200, "GET", "/v1/health/sandbox", null, token);
        expect(200, "GET", "/v1/presets", null, token);
        int template = json(expect(201, "POST", "/v1/templates?wait=true", "{\"fromVmid\":" + vmid
                + ",\"preset\":\"small\"}", token)).path("template").path("vmid").asInt();
        expect(200, "GET", "/v1/templates", null, token);
        expect(200, "DELETE", "/v1/templates/" + template, null, token);
        expect(200, "GET", "/v1/operations/" + href.substring(href.lastIndexOf('/') + 1), null, token);
        expect(200, "DELETE", s, null, token);
        expect(200, "GET", s + "/is-stopped", null, token);
        expect(200, "POST", "/v1/reload", null, token);
        expect(200, "GET", "/v1/doctor", null, token);
        expect(200, "GET", "/v1/traffic", null, token);
        expect(200, "GET", "/v1/events", null, token);
        expect(200, "GET", "/v1/tunnel/status", null, token);
        expect(200, "POST", "/v1/tunnel/setup", "{\"noAccess\":true,\"dryRun\":true}", token);
        walkTheOperatorPage();

        ContractTap.Log log = fixture.contract();
        assertEquals(List.of(), log.violations());
        Set<String> missed = new TreeSet<>(DOCUMENT.operations());
        missed.removeAll(log.operationsAnswered());
        assertEquals(Set.of(), missed, "documented operations the walk did not reach");
    }

    private void walkTheOperatorPage() throws Exception {
        expect(302, "GET", "/ui/", null, Map.of());
        expect(200, "GET", "/ui/sign-in", null, Map.of());
        expect(200, "GET", "/ui/app.js", null, Map.of());
        HttpResponse<String> signedIn = expect(303, "POST", "/ui/sign-in", "token=" + ControlApiFixture.TOKEN,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        String cookie = signedIn.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        String csrf = json(expect(200, "GET", "/ui/session", null, Map.of("Cookie", cookie)))
                .path("csrfToken").asText();
        expect(200, "GET", "/ui/", null, Map.of("Cookie", cookie));
        expect(200, "POST", "/ui/sign-out", null, Map.of("Cookie", cookie, OperatorPage.CSRF_HEADER, csrf));
    }

    private HttpResponse<String> expect(int status, String method, String path, String body,
                                        Map<String, String> headers) throws Exception {
        HttpResponse<String> r = send(method, path, body, headers);
        assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
        return r;
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + path)).timeout(Duration.ofSeconds(30)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }
}
