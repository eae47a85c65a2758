package dev.cmux.gateway;

import dev.cmux.control.cloudflare.CloudflareEmulator;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.gateway.access.LoopbackAccessTeam;
import dev.cmux.gateway.config.AccessConfig;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code doctor} of a gateway that publishes its sandboxes through a tunnel, against the strict Cloudflare emulator
 * after {@code POST /v1/tunnel/setup}, with cloudflared's readiness endpoint played by a server on loopback: every
 * tunnel line passes, then cloudflared down, then Access off, each fails alone with its fix.
 */
class DoctorWithTunnelTest {

    private static final String TOKEN = "doctor-tunnel-token-0123456789";
    private static final byte[] READY = "{\"status\":200,\"readyConnections\":4}".getBytes();

    @TempDir
    Path dir;
    private CloudflareEmulator cloudflare;
    private LoopbackAccessTeam team;
    private MiniHttpServer cloudflared;
    private GatewayProcess gateway;

    @BeforeEach
    void start() throws Exception {
        cloudflare = CloudflareEmulator.start();
        team = LoopbackAccessTeam.start("k1");
        cloudflared = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + READY.length);
            out.write(READY);
            return true;
        });
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        team.close();
        cloudflare.assertNoViolations();
        cloudflare.close();
    }

    private void startGateway(AccessConfig access) throws Exception {
        CloudflareEmulator.Site site = cloudflare.seedSite("sandbox.test");
        CloudflareConfig tunnel = new CloudflareConfig(cloudflare.url(), site.token(), site.accountId(), null,
                "sandbox.test", "cmux-gateway", dir.resolve("cloudflared"), dir.resolve("units"),
                URI.create("http://127.0.0.1:" + cloudflared.port() + "/ready"));
        gateway = GatewayProcess.start(GatewayConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .domain("sandbox.test")
                .control(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), TOKEN))
                .cloudflare(tunnel)
                .access(access)
                .build(), Transport.NIO, server -> List::of);
        HttpResponse<String> setup = call("POST", "/v1/tunnel/setup", "{\"noAccess\":true}");
        assertEquals(200, setup.statusCode(), setup.body());
        cloudflare.connect(cloudflare.tunnels(site.accountId()).get(0).path("id").asText(), 1);
    }

    @Test
    void aPublishedSetupPassesAndCloudflaredDownFailsAlone() throws Exception {
        startGateway(team.config(List.of()));
        DoctorAnswer healthy = DoctorAnswer.ask(gateway, TOKEN);
        assertEquals(List.of(), healthy.failedBesidesOpenFiles(), healthy.toString());
        assertTrue(healthy.subjects().contains("ingress"), healthy.toString());

        cloudflared.close();
        DoctorAnswer down = DoctorAnswer.ask(gateway, TOKEN);
        assertEquals(List.of("cloudflared " + "http://127.0.0.1:" + cloudflared.port() + "/ready"),
                down.failedBesidesOpenFiles(), down.toString());
        assertTrue(down.toString().contains("connection refused"), down.toString());
    }

    @Test
    void aTunnelWithoutAccessFailsOnlyTheAccessLine() throws Exception {
        startGateway(AccessConfig.disabled());
        DoctorAnswer answer = DoctorAnswer.ask(gateway, TOKEN);
        assertEquals(List.of("Access"), answer.failedBesidesOpenFiles(), answer.toString());
        assertTrue(answer.toString().contains("tunnel setup --access-allow"), answer.toString());
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.control.address().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }
}
