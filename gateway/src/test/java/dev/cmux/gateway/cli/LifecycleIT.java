package dev.cmux.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.gateway.testing.RoutablePorts;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle as the shipped jar runs it, with nobody asking: a gateway process (short {@code checkInterval})
 * in front of the strict PVE emulator destroys a sandbox whose {@code ttl: 3s} passed and stops one that had no
 * traffic for its {@code autoStop}, and leaves a {@code protected} one, with the same settings, running. The test
 * only watches PVE and the gateway's log while that happens.
 */
class LifecycleIT {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private PveEmulator pve;
    private GatewayJar gateway;
    private int controlPort;

    @BeforeEach
    void start() throws Exception {
        pve = PveEmulator.start();
        pve.seedTemplate(9000);
        pve.containerAddress("10.10.0.50");
        controlPort = RoutablePorts.pick();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:%d
                control: { listen: "127.0.0.1:%d" }
                routing: { suffix: "" }
                logging: { levels: { dev.cmux.control.lifecycle: debug } }
                lifecycle:
                  checkInterval: 200ms
                """.formatted(RoutablePorts.pick(), controlPort));
        gateway = GatewayJar.start(config, Map.of("PVE_API_URL", pve.url(), "PVE_API_TOKEN", PveEmulator.TOKEN,
                "PVE_TLS_FINGERPRINT", pve.fingerprint(), "PVE_TEMPLATE_VMID", "9000", "PVE_NODE", pve.node(),
                "GATEWAY_CONTROL_TOKEN", TOKEN));
    }

    @AfterEach
    void stop() {
        gateway.close();
        assertEquals(List.of(), pve.violations(), "every request the gateway sent matches PVE's schema");
        pve.close();
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, method + " " + path + ": " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    private int awaitLog(int from, String text) throws Exception {
        return gateway.awaitLine(from, text);
    }

    @Test
    void theRunningGatewayDestroysAtTtlStopsIdleSandboxesAndLeavesAProtectedOneAlone() throws Exception {
        // made first, so that its TTL and auto-stop are due before the others' in every pass
        int guarded = call("POST", "/v1/sandboxes?wait=true", "{\"ttl\":\"3s\",\"protected\":true,"
                + "\"autoStop\":{\"after\":\"1s\",\"action\":\"stop\"}}").path("sandbox").path("vmid").asInt();
        int idle = call("POST", "/v1/sandboxes?wait=true", "{\"autoStop\":{\"after\":\"1s\",\"action\":\"stop\"}}")
                .path("sandbox").path("vmid").asInt();
        // not waited for: its 3 s may pass while it starts (PVE polled every second); its end is what counts
        call("POST", "/v1/sandboxes", "{\"ttl\":\"3s\"}");
        Await.until(() -> pve.vmids().size() == 4, Duration.ofSeconds(30), () -> "the third clone: " + pve.vmids());
        int expiring = pve.vmids().stream().filter(v -> v != 9000 && v != guarded && v != idle).findFirst()
                .orElseThrow();

        // nobody calls the gateway now: only its own passes can act
        int destroyedAt = awaitLog(0, "lifecycle: destroy sandbox " + expiring + " (ttl due ");
        awaitLog(0, "lifecycle: stop sandbox " + idle + " (autoStop due ");
        // two more whole passes after the destroy: the protected one was due in each of them
        int pass = awaitLog(destroyedAt + 1, "lifecycle: pass done");
        awaitLog(pass + 1, "lifecycle: pass done");

        JsonNode line = JSON.readTree(gateway.output().get(destroyedAt));
        assertEquals("INFO", line.path("level").asText(), "one JSON log line per action: " + line);
        assertTrue(line.path("formattedMessage").asText().startsWith("lifecycle: destroy sandbox " + expiring),
                line.toString());
        assertTrue(!pve.exists(expiring), "destroyed at its TTL: " + pve.vmids());
        assertEquals("stopped", pve.status(idle));
        assertEquals("running", pve.status(guarded), "protected: not stopped");
        assertTrue(pve.exists(guarded), "protected: not destroyed");
        assertTrue(gateway.output().stream().noneMatch(l -> l.contains("sandbox " + guarded + " (")),
                "no lifecycle action on the protected sandbox");

        JsonNode shown = call("GET", "/v1/sandboxes/" + guarded, null);
        assertTrue(shown.path("protected").asBoolean(), shown.toString());
        assertTrue(shown.path("nextAction").isNull(), shown.toString());
        String metrics = new String(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        assertEquals(1, value(metrics, "cmux_gateway_lifecycle_actions_total{action=\"destroy\",reason=\"ttl\"}"),
                metrics);
        assertEquals(1, value(metrics, "cmux_gateway_lifecycle_actions_total{action=\"stop\",reason=\"autoStop\"}"),
                metrics);
    }
}
