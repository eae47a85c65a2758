package dev.cmux.gateway.cli;

import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.GatewayJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/reload} on the shaded jar does what SIGHUP does: a valid file is taken, an invalid one refused. */
class ReloadApiIT {

    @TempDir
    Path dir;

    @Test
    void aValidFileIsTakenAndAnInvalidOneIsRefusedWithItsProblems() throws Exception {
        int control = RoutablePorts.pick();
        Path config = dir.resolve("gateway.yaml");
        String valid = "listen: 127.0.0.1:" + RoutablePorts.pick() + "\ncontrol: { listen: \"127.0.0.1:" + control + "\" }\n";
        Files.writeString(config, valid);
        try (GatewayJar gateway = GatewayJar.start(config, Map.of())) {
            Files.writeString(config, valid + "routing: { deniedPorts: [22, 39375, 3306] }\n");
            HttpResponse<String> ok = reload(control);
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("\"reloaded\":true"), ok.body());
            Files.writeString(config, valid + "routing: { deniedPorts: [\"not a port\"] }\n");
            HttpResponse<String> refused = reload(control);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("config-invalid"), refused.body());
            assertTrue(refused.body().contains("routing.deniedPorts[0]"), refused.body());
            assertTrue(gateway.output().stream().anyMatch(l -> l.contains("reload refused")), "said in the log too");
        }
    }

    private static HttpResponse<String> reload(int controlPort) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort
                + "/v1/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
