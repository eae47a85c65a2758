package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.control.sandbox.OperationId;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.control.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operations any gateway reads: started on one control API (A), read on another with its own operations (B) in front
 * of the same PVE, and on A again after a restart. B knows nothing A held in memory; what it answers comes from PVE.
 */
class OperationsAcrossGatewaysTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlApiFixture fixture;
    private PveEmulator pve;
    private final List<AutoCloseable> gateways = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One control API: its own services (operations, executor, PVE client) and server. */
    private record Gateway(ControlServices services, ControlServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            services.close();
        }
    }

    private record Reply(int status, JsonNode json) {
        JsonNode operation() {
            return json.path("operation");
        }
    }

    @BeforeEach
    void start() {
        fixture = ControlApiFixture.start("sandbox.example.com", false, vmid -> { });
        pve = fixture.pve();
    }

    @AfterEach
    void stop() throws Exception {
        pve.dhcp(true);
        for (AutoCloseable g : gateways) {
            g.close();
        }
        List<String> violations = pve.violations();
        fixture.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    private Gateway gateway(Clock clock) throws InterruptedException {
        ControlServices services = ControlServices.create(pve.config(ControlApiFixture.TEMPLATE), fixture.settings(),
                vmid -> { }, Optional.empty(), clock);
        Gateway g = new Gateway(services, fixture.serve(services, CloudflareConfig.defaults()));
        gateways.add(g);
        return g;
    }

    private Gateway gateway() throws InterruptedException {
        return gateway(Clock.systemUTC());
    }

    private Reply call(Gateway g, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.server().address().getPort()
                        + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ControlApiFixture.TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    private JsonNode operation(Gateway g, String href) throws IOException, InterruptedException {
        Reply r = call(g, "GET", href, null);
        assertEquals(200, r.status(), r.json().toString());
        return r.operation();
    }

    /** A running sandbox made through {@code g}, waited for: its vmid. */
    private int sandbox(Gateway g) throws IOException, InterruptedException {
        Reply created = call(g, "POST", "/v1/sandboxes?wait=true", "{}");
        assertEquals(201, created.status(), created.json().toString());
        return created.json().path("sandbox").path("vmid").asInt();
    }

    /** {@code method path} accepted by {@code a} (202), then read on {@code b} until it ends. */
    private JsonNode acceptedThenEndedOn(Gateway a, Gateway b, String method, String path, String body)
            throws Exception {
        Reply accepted = call(a, method, path, body);
        assertEquals(202, accepted.status(), accepted.json().toString());
        return awaitEnd(b, accepted.operation().path("href").asText());
    }

    private JsonNode awaitEnd(Gateway g, String href) throws Exception {
        Await.until(() -> !operation(g, href).path("state").asText().equals("running"), "the operation ends");
        return operation(g, href);
    }

    @Test
    void aCreateStartedOnOneGatewayIsRunningOnAnotherUntilItsSandboxRunsThenSucceededWithIt() throws Exception {
        Gateway a = gateway();
        Gateway b = gateway();
        pve.dhcp(false); // the container starts but gets no address: the create cannot finish until DHCP answers

        Reply accepted = call(a, "POST", "/v1/sandboxes?wait=false", "{}");
        assertEquals(202, accepted.status(), accepted.json().toString());
        JsonNode op = accepted.operation();
        int vmid = op.path("vmid").asInt();
        assertTrue(pve.exists(vmid), "the 202 names the clone that exists");
        assertEquals("https://port-39378-vm-" + vmid + ".sandbox.example.com", op.path("urls").path("vscode").asText());
        assertEquals("this-gateway", op.path("source").asText());
        String href = op.path("href").asText();

        JsonNode onB = operation(b, href);
        assertEquals("running", onB.path("state").asText(), onB.toString());
        assertEquals("pve", onB.path("source").asText());
        assertEquals(vmid, onB.path("vmid").asInt());
        assertEquals("create", onB.path("kind").asText());
        Await.until(() -> "running".equals(pve.status(vmid)), "the sandbox starts");
        assertEquals("running", operation(b, href).path("state").asText(), "started, but without an address yet");

        pve.dhcp(true);
        JsonNode done = awaitEnd(b, href);
        assertEquals("succeeded", done.path("state").asText(), done.toString());
        assertEquals(vmid, done.path("sandbox").path("vmid").asInt());
        assertEquals("running", done.path("sandbox").path("status").asText());
        assertEquals("succeeded", awaitEnd(a, href).path("state").asText());
    }

    @Test
    void aGatewayStartedAgainReadsTheOperationsItRanBeforeFromPve() throws Exception {
        Gateway a = gateway();
        Reply created = call(a, "POST", "/v1/sandboxes?wait=true", "{}");
        assertEquals(201, created.status(), created.json().toString());
        String href = created.operation().path("href").asText();
        assertEquals("this-gateway", operation(a, href).path("source").asText());

        a.close();
        Gateway again = gateway();
        JsonNode op = operation(again, href);
        assertEquals("succeeded", op.path("state").asText(), op.toString());
        assertEquals("pve", op.path("source").asText());
        assertEquals(created.json().path("sandbox").path("vmid").asInt(), op.path("sandbox").path("vmid").asInt());
    }

    @Test
    void aCreateWhoseStartFailedIsFailedOnAnotherGatewayOnceItsCloneIsRemovedAgain() throws Exception {
        Gateway a = gateway();
        Gateway b = gateway();
        pve.failNextStartTask("startup for container failed");

        Reply accepted = call(a, "POST", "/v1/sandboxes?wait=false", "{}");
        assertEquals(202, accepted.status(), accepted.json().toString());
        String href = accepted.operation().path("href").asText();

        JsonNode onB = awaitEnd(b, href);
        assertEquals("failed", onB.path("state").asText(), onB.toString());
        assertEquals("rolled-back", onB.path("error").path("code").asText(), onB.toString());
        assertFalse(pve.exists(accepted.operation().path("vmid").asInt()));
        JsonNode onA = awaitEnd(a, href);
        assertTrue(onA.path("error").path("message").asText().contains("startup for container failed"),
                "the gateway that ran it knows the cause: " + onA);
    }

    @Test
    void aStopThenADestroyStartedOnOneGatewayAreSucceededOnAnotherOnceDone() throws Exception {
        Gateway a = gateway();
        Gateway b = gateway();
        int vmid = sandbox(a);

        JsonNode stop = acceptedThenEndedOn(a, b, "POST", "/v1/sandboxes/" + vmid + "/stop?wait=false", null);
        assertEquals("succeeded", stop.path("state").asText(), stop.toString());
        assertEquals("stop", stop.path("kind").asText());
        assertEquals("stopped", stop.path("sandbox").path("status").asText(), "the sandbox as it is now");

        JsonNode destroy = acceptedThenEndedOn(a, b, "DELETE", "/v1/sandboxes/" + vmid + "?wait=false", null);
        assertEquals("succeeded", destroy.path("state").asText(), destroy.toString());
        assertEquals("destroy", destroy.path("kind").asText());
        assertEquals(vmid, destroy.path("vmid").asInt());
        assertFalse(pve.exists(vmid), "succeeded once the vmid is gone");
    }

    @Test
    void aTemplateStartedOnOneGatewayIsSucceededOnAnotherOnceTheTemplateExists() throws Exception {
        Gateway a = gateway();
        Gateway b = gateway();
        int source = sandbox(a);

        Reply accepted = call(a, "POST", "/v1/templates?wait=false", "{\"fromVmid\":" + source
                + ",\"preset\":\"fresh\"}");
        assertEquals(202, accepted.status(), accepted.json().toString());
        assertTrue(accepted.operation().path("id").asText().startsWith("op-template-" + source + "-"));
        JsonNode onB = awaitEnd(b, accepted.operation().path("href").asText());
        assertEquals("succeeded", onB.path("state").asText(), onB.toString());
        assertEquals("pvelxc_fresh_v1", onB.path("template").path("snapshotId").asText(), onB.toString());
        int template = onB.path("template").path("vmid").asInt();
        assertTrue(pve.isTemplate(template));
        assertEquals(template, awaitEnd(a, accepted.operation().path("href").asText()).path("template").path("vmid")
                .asInt(), "both gateways name the same template");
    }

    @Test
    void aCreateThatOutlivedTheLongestItsGatewayCouldTakeIsFailedAsAbandoned() throws Exception {
        Gateway a = gateway();
        MutableClock later = new MutableClock(Instant.now());
        Gateway b = gateway(later);
        pve.dhcp(false);
        String href = call(a, "POST", "/v1/sandboxes?wait=false", "{}").operation().path("href").asText();
        assertEquals("running", operation(b, href).path("state").asText());

        later.advance(Duration.ofDays(1)); // past clone + resize + start + address + execd, as if A had died
        JsonNode op = operation(b, href);
        assertEquals("failed", op.path("state").asText(), op.toString());
        assertEquals("abandoned", op.path("error").path("code").asText());
    }

    @Test
    void idsThatAreNotOperationsOrNameTasksPveDoesNotKnowAre404() throws Exception {
        Gateway a = gateway();
        Gateway b = gateway();
        Reply created = call(a, "POST", "/v1/sandboxes?wait=true", "{}");
        int vmid = created.json().path("sandbox").path("vmid").asInt();
        OperationId real = OperationId.parse(created.operation().path("id").asText()).orElseThrow();
        String upid = real.upid();
        String otherPid = upid.replaceFirst(":[0-9A-F]{8}:", ":0000ABCD:");
        String otherNode = upid.replaceFirst("^UPID:[^:]+:", "UPID:elsewhere:");

        for (String id : List.of("op-1234", "op-" + "ab".repeat(12), // not one, or a random id of before
                "op-create-" + vmid + "-" + "not.base64.".repeat(5),
                "op-destroy-" + vmid + "-" + encode(upid), // a clone task is no destroy's
                "op-create-" + vmid + "-" + encode("UPID:pve:0000:x:"), // not a UPID
                real.text() + "==", // not the canonical spelling
                new OperationId("create", vmid, otherPid).text(), // a task PVE never ran
                new OperationId("create", vmid, otherNode).text())) { // a node that is not the cluster's
            Reply r = call(b, "GET", "/v1/operations/" + id, null);
            assertEquals(404, r.status(), id + ": " + r.json());
            assertEquals("unknown-operation", r.json().path("error").path("code").asText(), id);
        }
        assertEquals(200, call(b, "GET", "/v1/operations/" + real.text(), null).status(), "the real one reads");
    }

    private static String encode(String upid) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(upid.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aBeginThatFailsAnswersAtOnceWithoutAnOperation() throws Exception {
        Gateway a = gateway();
        int vmid = sandbox(a);
        pve.lockContainer(vmid, "backup");

        Reply destroy = call(a, "DELETE", "/v1/sandboxes/" + vmid + "?wait=false", null);
        assertEquals(409, destroy.status(), destroy.json().toString());
        assertEquals("locked", destroy.json().path("error").path("code").asText());
        assertTrue(destroy.json().path("operation").isMissingNode(), "no operation was started");
        assertTrue(pve.exists(vmid));

        Reply rollback = call(a, "POST", "/v1/sandboxes/4711/snapshots/s1/rollback?wait=false", null);
        assertEquals(404, rollback.status(), rollback.json().toString());
        assertEquals("unknown-sandbox", rollback.json().path("error").path("code").asText());
        assertTrue(rollback.json().path("operation").isMissingNode(), "no operation was started");
    }

    @Test
    void aCreateWithoutATemplateAnswersAtOnceWithoutAnOperation() throws Exception {
        ControlServices services = ControlServices.create(pve.config(4242), SandboxSettings.defaults(
                "sandbox.example.com", 4242), vmid -> { }, Optional.empty(), Clock.systemUTC());
        Gateway g = new Gateway(services, fixture.serve(services, CloudflareConfig.defaults()));
        gateways.add(g);
        int before = pve.vmids().size();

        Reply r = call(g, "POST", "/v1/sandboxes?wait=false", "{}");
        assertEquals(503, r.status(), r.json().toString());
        assertEquals("no-template", r.json().path("error").path("code").asText());
        assertTrue(r.json().path("operation").isMissingNode(), "no operation was started");
        assertEquals(before, pve.vmids().size(), "nothing was cloned");
    }
}
