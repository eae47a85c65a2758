package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Presets, templates and snapshots over HTTP: the routes, the status codes and the JSON the CLI reads. */
class ImageApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlApiFixture fixture;
    private PveEmulator pve;
    private ControlServices services;
    private ControlServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        fixture = ControlApiFixture.start("sandbox.example.com", false, ResolverInvalidation.NONE);
        pve = fixture.pve();
        PveConfig config = fixture.configWithSmallPreset();
        services = ControlServices.create(config, fixture.settings(), ResolverInvalidation.NONE, Optional.empty(),
                Clock.systemUTC());
        server = fixture.serve(services, CloudflareConfig.defaults());
    }

    @AfterEach
    void stop() {
        List<String> violations = pve.violations();
        server.close();
        services.close();
        fixture.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    record Reply(int status, JsonNode json) {
        String code() {
            return json.path("error").path("code").asText();
        }
    }

    private Reply call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ControlApiFixture.TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
    }

    private int create(String body) throws Exception {
        Reply r = call("POST", "/v1/sandboxes?wait=true", body);
        assertEquals(201, r.status(), String.valueOf(r.json()));
        return r.json().path("sandbox").path("vmid").asInt();
    }

    @Test
    void presetsListTheConfigsAndTheDefault() throws Exception {
        Reply r = call("GET", "/v1/presets", null);

        assertEquals(200, r.status());
        JsonNode small = r.json().path("presets").get(0);
        assertEquals("small", small.path("id").asText());
        assertEquals(12, small.path("diskGiB").asInt());
        assertEquals("pvelxc_small_v1", small.path("newest").asText());
        assertEquals("lxc", small.path("kind").asText(), "the kind of its newest version's template");
        assertEquals("config", small.path("versions").get(0).path("origin").asText());
        assertEquals("default", r.json().path("presets").get(1).path("id").asText());
    }

    @Test
    void createTakesAPresetOrASnapshotIdAndRefusesBoth() throws Exception {
        int vmid = create("{\"preset\":\"small\"}");
        assertEquals(12, pve.diskGiB(vmid));
        assertEquals(2, pve.configOf(vmid).get("cores"));
        int exact = create("{\"snapshotId\":\"pvelxc_default_v1\"}");
        // the version a sandbox was made from is kept in PVE (its metadata) and shown, also after a PATCH
        assertEquals("pvelxc_small_v1", call("GET", "/v1/sandboxes/" + vmid, null).json().path("preset").asText());
        assertEquals(200, call("PATCH", "/v1/sandboxes/" + exact, "{\"protected\":true}").status());
        Reply shown = call("GET", "/v1/sandboxes/" + exact, null);
        assertEquals("pvelxc_default_v1", shown.json().path("preset").asText());
        assertEquals("lxc", shown.json().path("kind").asText());
        assertEquals(0, shown.json().path("openWebSockets").asInt(-1), "no data plane here: none open");

        Reply both = call("POST", "/v1/sandboxes?wait=true",
                "{\"preset\":\"small\",\"snapshotId\":\"pvelxc_small_v1\"}");
        assertEquals(400, both.status());
        assertEquals("preset-or-snapshot", both.code());
        Reply unknown = call("POST", "/v1/sandboxes?wait=true", "{\"preset\":\"huge\"}");
        assertEquals(400, unknown.status());
        assertEquals("unknown-preset", unknown.code());
    }

    @Test
    void snapshotsAreTakenListedRolledBackAndDeleted() throws Exception {
        int vmid = create("{}");

        Reply made = call("POST", "/v1/sandboxes/" + vmid + "/snapshots", "{\"name\":\"clean\",\"description\":\"d\"}");
        assertEquals(201, made.status(), String.valueOf(made.json()));
        assertEquals("clean", made.json().path("snapshot").path("name").asText());
        Reply list = call("GET", "/v1/sandboxes/" + vmid + "/snapshots", null);
        assertEquals("clean", list.json().path("snapshots").get(0).path("name").asText());
        Reply back = call("POST", "/v1/sandboxes/" + vmid + "/snapshots/clean/rollback", null);
        assertEquals(200, back.status(), String.valueOf(back.json()));
        assertEquals("running", back.json().path("sandbox").path("status").asText());
        assertEquals(200, call("DELETE", "/v1/sandboxes/" + vmid + "/snapshots/clean", null).status());
        assertEquals(0, call("GET", "/v1/sandboxes/" + vmid + "/snapshots", null).json().path("snapshots").size());
    }

    @Test
    void pvesRefusalsOfSnapshotsAre400404And409WithPvesWords() throws Exception {
        int vmid = create("{}");

        Reply bad = call("POST", "/v1/sandboxes/" + vmid + "/snapshots", "{\"name\":\"9lives\"}");
        assertEquals(400, bad.status());
        assertEquals("invalid-snapshot-name", bad.code());
        assertTrue(bad.json().path("error").path("details").path("fieldErrors").has("snapname"));
        pve.clearViolations();
        Reply missing = call("POST", "/v1/sandboxes/" + vmid + "/snapshots/nope/rollback", null);
        assertEquals(404, missing.status());
        assertEquals("PVE: snapshot 'nope' does not exist", missing.json().path("error").path("message").asText());
        call("POST", "/v1/sandboxes/" + vmid + "/snapshots", "{\"name\":\"s1\"}");
        Reply taken = call("POST", "/v1/sandboxes/" + vmid + "/snapshots", "{\"name\":\"s1\"}");
        assertEquals(409, taken.status());
        pve.lockContainer(vmid, "backup");
        Reply locked = call("POST", "/v1/sandboxes/" + vmid + "/snapshots", "{\"name\":\"s2\"}");
        assertEquals(409, locked.status());
        assertEquals("locked", locked.code());
        pve.lockContainer(vmid, null);
    }

    @Test
    void templatesAreMadeListedAndDeletedOnlyWithoutLinkedClones() throws Exception {
        int source = create("{}");

        Reply made = call("POST", "/v1/templates?wait=true", "{\"fromVmid\":" + source + ",\"preset\":\"small\"}");
        assertEquals(201, made.status(), String.valueOf(made.json()));
        JsonNode t = made.json().path("template");
        assertEquals("pvelxc_small_v2", t.path("snapshotId").asText());
        int template = t.path("vmid").asInt();
        int clone = create("{\"preset\":\"small\"}");
        assertTrue(call("GET", "/v1/templates", null).json().path("templates").toString()
                .contains("\"vmid\":" + template));

        Reply inUse = call("DELETE", "/v1/templates/" + template, null);
        assertEquals(409, inUse.status());
        assertEquals("template-in-use", inUse.code());
        assertEquals(clone, inUse.json().path("error").path("details").path("linkedClones").get(0).asInt());
        assertEquals(200, call("DELETE", "/v1/sandboxes/" + clone, null).status());
        assertEquals(200, call("DELETE", "/v1/templates/" + template, null).status());
        assertEquals(404, call("DELETE", "/v1/templates/" + template, null).status());
    }

    @Test
    void templateRequestsAreCheckedFieldByField() throws Exception {
        Reply r = call("POST", "/v1/templates", "{\"preset\":\"Not Valid\",\"version\":0}");
        assertEquals(400, r.status());
        JsonNode fields = r.json().path("error").path("details").path("fields");
        assertEquals("is required", fields.path("fromVmid").asText());
        assertTrue(fields.has("preset"));
        assertTrue(fields.has("version"));
    }
}
