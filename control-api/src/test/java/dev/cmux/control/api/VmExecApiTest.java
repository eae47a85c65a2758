package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.SandboxMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /v1/sandboxes/{vmid}/exec} into a VM whose execd does not answer: the command runs through the
 * emulated guest agent, which really runs it on this machine, with the contract and NDJSON stream of execd. And what
 * the API refuses for a VM.
 */
class VmExecApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VM = 400;

    private ControlApiFixture fixture;
    private PveEmulator pve;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        fixture = ControlApiFixture.start("sandbox.example.com", false, ResolverInvalidation.NONE);
        pve = fixture.pve();
        pve.seedVm(VM, "cmux-" + VM, true, "cmux", new SandboxMetadata("test", Instant.now(), null,
                SandboxMetadata.KEEP, null).toDescription());
        pve.vmAddress(VM, "127.0.0.2"); // no execd listens there: the agent is the way in
    }

    @AfterEach
    void stop() {
        List<String> violations = pve.violations();
        fixture.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    private HttpResponse<String> exec(String body, boolean ndjson) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/v1/sandboxes/" + VM + "/exec"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + ControlApiFixture.TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (ndjson) {
            b.header("Accept", "application/x-ndjson");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode result(String body) throws Exception {
        HttpResponse<String> r = exec(body, false);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void theExitCodeAndBothStreamsComeBackViaTheAgent() throws Exception {
        JsonNode r = result("{\"command\":\"echo out; echo err >&2; exit 3\"}");
        assertEquals(3, r.path("exitCode").asInt(), r.toString());
        assertEquals("out", r.path("stdout").asText());
        assertEquals("err", r.path("stderr").asText());
        assertEquals("agent", r.path("via").asText());
        assertFalse(r.path("truncated").asBoolean());
        assertTrue(pve.requests().contains("POST /api2/json/nodes/pve/qemu/400/agent/exec"), pve.requests().toString());
    }

    @Test
    void stdinIsTheAgentsInputData() throws Exception {
        JsonNode r = result("{\"command\":\"tr a-z A-Z\",\"stdin\":\"hello\\nagent\\n\"}");
        assertEquals(0, r.path("exitCode").asInt(), r.toString());
        assertEquals("HELLO\nAGENT", r.path("stdout").asText());
    }

    @Test
    void twoMebibytesOfOutputAreCutAtTheCapWithTheFlagSet() throws Exception {
        JsonNode r = result("{\"command\":\"yes 0123456789abcdef | head -c 2097152\"}");
        assertEquals(0, r.path("exitCode").asInt());
        assertTrue(r.path("truncated").asBoolean(), "2 MiB is past the 1 MiB cap");
        int kept = r.path("stdout").asText().length();
        assertTrue(kept > 1_000_000 && kept <= 1024 * 1024, "kept " + kept);
    }

    @Test
    void aCommandPastItsTimeoutIsKilledInTheGuestAndExits124() throws Exception {
        JsonNode r = result("{\"command\":\"sleep 30; echo never\",\"timeoutMs\":400}");
        assertEquals(124, r.path("exitCode").asInt(), r.toString());
        assertEquals("timeout after 400ms", r.path("stderr").asText());
        assertEquals("", r.path("stdout").asText());
        assertEquals(2, pve.requests().stream().filter("POST /api2/json/nodes/pve/qemu/400/agent/exec"::equals)
                .count(), "the command, then kill -KILL of its pid");
    }

    @Test
    void theNdjsonStreamIsExecdsEventsThenTheResult() throws Exception {
        HttpResponse<String> r = exec("{\"command\":\"echo a; echo b >&2; exit 2\"}", true);
        assertEquals(200, r.statusCode());
        assertEquals("application/x-ndjson", r.headers().firstValue("Content-Type").orElseThrow());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.body().split("\n")) {
            lines.add(JSON.readTree(l));
        }
        assertEquals("{\"type\":\"stdout\",\"data\":\"a\"}", lines.get(0).toString());
        assertEquals("{\"type\":\"stderr\",\"data\":\"b\"}", lines.get(1).toString());
        assertEquals("{\"type\":\"exit\",\"code\":2}", lines.get(2).toString());
        assertEquals("result", lines.get(3).path("type").asText());
        assertEquals("agent", lines.get(3).path("via").asText());
        assertEquals(4, lines.size());
    }

    @Test
    void aVmIsNotCapturedAsAPresetTemplate() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/v1/templates?wait=true"))
                .header("Authorization", "Bearer " + ControlApiFixture.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"fromVmid\":400,\"preset\":\"vmbox\"}")).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(409, r.statusCode(), r.body());
        assertEquals("wrong-kind", JSON.readTree(r.body()).path("error").path("code").asText());
        assertEquals("running", pve.qmpStatus(VM), "nothing was done to it");
    }

    @Test
    void stdinForAContainerIs400() throws Exception {
        pve.seedContainer(401, "cmux-401", true, "cmux", new SandboxMetadata("test", Instant.now(), null,
                SandboxMetadata.KEEP, null).toDescription());
        HttpRequest request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/v1/sandboxes/401/exec"))
                .header("Authorization", "Bearer " + ControlApiFixture.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"cat\",\"stdin\":\"x\"}")).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("bad-request", JSON.readTree(r.body()).path("error").path("code").asText());
    }
}
