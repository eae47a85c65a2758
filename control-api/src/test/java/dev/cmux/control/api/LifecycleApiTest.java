package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.lifecycle.LifecyclePolicy;
import dev.cmux.control.lifecycle.LifecycleReaper;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle's part of the API on a real control server in front of the PVE emulator: per-sandbox settings at
 * create and by {@code PATCH}, {@code nextAction} in {@code GET}, orphans listed and removed only when asked.
 */
class LifecycleApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private ControlApiFixture fixture;
    private PveEmulator pve;
    private LifecycleReaper reaper;
    private ControlServer server;

    @BeforeEach
    void start() throws Exception {
        fixture = ControlApiFixture.start("sandbox.example.com", false, vmid -> { });
        pve = fixture.pve();
        ControlServices services = fixture.services();
        reaper = new LifecycleReaper(services.sandboxes(), () -> LifecyclePolicy.NOTHING, vmid -> Optional.empty(),
                Clock.systemUTC(), (vmid, action, reason) -> { });
        server = fixture.serve(services.withNextActions(reaper), CloudflareConfig.defaults());
    }

    @AfterEach
    void stop() {
        List<String> violations = pve.violations();
        server.close();
        fixture.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    private record Reply(int status, JsonNode json) {
    }

    private Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + path)).header("Authorization", "Bearer " + ControlApiFixture.TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
    }

    private JsonNode create(String body) throws Exception {
        Reply r = call("POST", "/v1/sandboxes?wait=true", body);
        assertEquals(201, r.status(), String.valueOf(r.json()));
        return r.json().path("sandbox");
    }

    @Test
    void autoStopChainsDeeperStepsAndAChainThatDoesNotGoDeeperIs400() throws Exception {
        JsonNode s = create("{\"autoStop\":{\"after\":\"10m\",\"action\":\"pause\",\"then\":{\"after\":\"2h\","
                + "\"action\":\"hibernate\",\"then\":{\"after\":\"1d\",\"action\":\"stop\"}}}}");
        assertEquals("{\"after\":\"PT10M\",\"action\":\"pause\",\"then\":{\"after\":\"PT2H\",\"action\":"
                + "\"hibernate\",\"then\":{\"after\":\"PT24H\",\"action\":\"stop\"}}}", s.path("autoStop").toString());
        JsonNode got = call("GET", "/v1/sandboxes/" + s.path("vmid").asInt(), null).json();
        assertEquals("pause", got.path("nextAction").path("action").asText(), got.toString());

        Reply bad = call("POST", "/v1/sandboxes", "{\"autoStop\":{\"after\":\"2h\",\"action\":\"hibernate\","
                + "\"then\":{\"after\":\"10m\",\"action\":\"pause\"}}}");
        assertEquals(400, bad.status());
        assertTrue(bad.json().path("error").path("details").path("fields").path("autoStop.then").asText()
                .startsWith("a chained idle step comes later and goes deeper"), bad.json().toString());
    }

    @Test
    void createTakesEveryLifecycleFieldAndGetShowsWhatHappensWhen() throws Exception {
        JsonNode s = create("{\"ttl\":\"2h\",\"autoStop\":{\"after\":\"30m\",\"action\":\"suspend\"},"
                + "\"autoDelete\":\"7d\",\"protected\":false}");
        int vmid = s.path("vmid").asInt();
        Instant created = Instant.parse(s.path("created").asText());

        JsonNode got = call("GET", "/v1/sandboxes/" + vmid, null).json();

        assertEquals("PT30M", got.path("autoStop").path("after").asText());
        assertEquals("PT168H", got.path("autoDelete").asText());
        assertFalse(got.path("protected").asBoolean());
        // first seen running now: the auto-stop comes before the TTL
        JsonNode next = got.path("nextAction");
        assertEquals("suspend", next.path("action").asText(), got.toString());
        assertEquals("autoStop", next.path("reason").asText());
        assertTrue(Instant.parse(next.path("at").asText()).isBefore(created.plus(Duration.ofHours(2))));
    }

    @Test
    void patchProtectsASandboxAndChangesItsTtlKeepingTheRestOfItsDescription() throws Exception {
        int vmid = create("{\"ttl\":\"2h\"}").path("vmid").asInt();
        JsonNode before = call("GET", "/v1/sandboxes/" + vmid, null).json();
        Instant created = Instant.parse(before.path("created").asText());
        assertEquals("destroy", before.path("nextAction").path("action").asText());
        assertEquals(created.plus(Duration.ofHours(2)).toString(), before.path("nextAction").path("at").asText());
        String note = "a person's note\n" + pve.configOf(vmid).get("description");
        try (PveClient client = PveClient.create(pve.config(ControlApiFixture.TEMPLATE))) {
            client.updateConfig(pve.node(), vmid, Map.of("description", note)); // as a person in the PVE UI
        }

        Reply protect = call("PATCH", "/v1/sandboxes/" + vmid, "{\"protected\":true}");
        assertEquals(200, protect.status(), String.valueOf(protect.json()));
        assertTrue(protect.json().path("protected").asBoolean());
        assertTrue(protect.json().path("nextAction").isNull(), "protected: nothing automatic");
        assertEquals("PT2H", protect.json().path("ttl").asText(), "absent fields keep their value");
        assertTrue(String.valueOf(pve.configOf(vmid).get("description")).startsWith("a person's note\n"));

        Reply longer = call("PATCH", "/v1/sandboxes/" + vmid, "{\"protected\":false,\"ttl\":\"4h\"}");
        assertEquals(created.plus(Duration.ofHours(4)).toString(),
                longer.json().path("nextAction").path("at").asText(), "the TTL still counts from creation");

        Reply off = call("PATCH", "/v1/sandboxes/" + vmid, "{\"ttl\":null}");
        assertTrue(off.json().path("ttl").isNull());
        assertTrue(off.json().path("nextAction").isNull());
    }

    @Test
    void patchRefusesWhatItCannotDo() throws Exception {
        int vmid = create("{}").path("vmid").asInt();

        Reply unknown = call("PATCH", "/v1/sandboxes/" + vmid, "{\"memory\":1024}");
        assertEquals(400, unknown.status());
        assertEquals("unknown-field", unknown.json().path("error").path("code").asText());
        Reply empty = call("PATCH", "/v1/sandboxes/" + vmid, "{}");
        assertEquals(400, empty.status());
        assertEquals("nothing-to-change", empty.json().path("error").path("code").asText());
        Reply bad = call("PATCH", "/v1/sandboxes/" + vmid, "{\"autoDelete\":\"soon\",\"protected\":\"yes\"}");
        assertEquals(400, bad.status());
        assertTrue(bad.json().path("error").path("details").path("fields").has("autoDelete"));
        assertTrue(bad.json().path("error").path("details").path("fields").has("protected"));
        assertEquals(404, call("PATCH", "/v1/sandboxes/777", "{\"protected\":true}").status());

        pve.seedContainer(401, "cmux-401", false, "cmux", "no metadata");
        Reply orphan = call("PATCH", "/v1/sandboxes/401", "{\"protected\":true}");
        assertEquals(409, orphan.status());
        assertEquals("no-metadata", orphan.json().path("error").path("code").asText());
    }

    @Test
    void orphansAreListedAndRemovedOnlyByAnExplicitDelete() throws Exception {
        int sandbox = create("{}").path("vmid").asInt();
        pve.seedContainer(400, "cmux-400", true, null, null);

        JsonNode orphans = call("GET", "/v1/sandboxes?orphans=true", null).json().path("orphans");
        assertEquals(1, orphans.size(), orphans.toString());
        assertEquals(400, orphans.get(0).path("vmid").asInt());
        assertFalse(orphans.get(0).path("tagged").asBoolean());

        assertEquals(404, call("DELETE", "/v1/sandboxes/400", null).status(), "a plain DELETE: not a sandbox");
        assertEquals(404, call("DELETE", "/v1/sandboxes/" + sandbox + "?orphan=true", null).status(),
                "?orphan=true removes orphans only");
        assertTrue(pve.exists(400) && pve.exists(sandbox));

        assertEquals(200, call("DELETE", "/v1/sandboxes/400?orphan=true", null).status());
        assertFalse(pve.exists(400));
        assertEquals(0, call("GET", "/v1/sandboxes?orphans=true", null).json().path("orphans").size());
    }
}
