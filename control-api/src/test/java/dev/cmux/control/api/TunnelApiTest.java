package dev.cmux.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.cloudflare.CloudflareEmulator;
import dev.cmux.control.cloudflare.LocalHttpServer;
import dev.cmux.control.cloudflare.PublishedControlApi;
import dev.cmux.control.cloudflare.TunnelCommand;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/tunnel/setup} with Access, as the gateway serves it, against the Cloudflare emulator. */
class TunnelApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private CloudflareEmulator cf;
    private CloudflareEmulator.Site site;
    private Path configFile;
    private final List<String> reloads = new CopyOnWriteArrayList<>();
    private final MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private ControlServices services;
    private ControlServer server;
    private final ContractTap.Log contract = new ContractTap.Log();
    /** This node's cloudflared: its /ready names the connector id it runs with. */
    private static final String LOCAL = "1bedc50d-42b3-473c-b108-ff3d10c0d925";
    private final LocalHttpServer cloudflared = new LocalHttpServer(200,
            "{\"status\":200,\"readyConnections\":4,\"connectorId\":\"" + LOCAL + "\"}");

    @BeforeEach
    void start() throws Exception {
        cf = CloudflareEmulator.start();
        site = cf.seedSite("example.com");
        cf.enableAccess(site.accountId(), "myteam");
        configFile = dir.resolve("gateway.yaml");
        Files.writeString(configFile, "listen: 127.0.0.1:8080\n");
        CloudflareConfig cloudflare = new CloudflareConfig(cf.url(), site.token(), site.accountId(), null,
                "example.com", "cmux-gateway", dir.resolve("cloudflared"), dir.resolve("systemd"),
                URI.create("http://127.0.0.1:" + cloudflared.port() + "/ready"));
        ControlServices disabled = ControlServices.disabled();
        services = disabled.withTunnel(TunnelHandler.create(new TunnelCommand.Settings(cloudflare, "127.0.0.1:8080",
                configFile, () -> {
                    reloads.add("reload");
                    return "the gateway reloaded its config.";
                }, new PublishedControlApi.Endpoint("127.0.0.1:8081", false), "pve1"), disabled));
        server = ControlServer.start(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), ControlApiFixture.TOKEN),
                cloudflare, loops, NioServerSocketChannel.class, services, () -> new ContractTap(contract));
    }

    @AfterEach
    void stop() {
        server.close();
        services.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        cf.close();
        cloudflared.close();
        cf.assertNoViolations();
        assertEquals(List.of(), contract.violations(), "answers the OpenAPI document does not allow");
    }

    private HttpResponse<String> setup(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.address().getPort() + "/v1/tunnel/setup"))
                .header("Authorization", "Bearer " + ControlApiFixture.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutAnAccessChoiceItIs400NamingBothFieldsAndAsksCloudflareNothing() throws Exception {
        HttpResponse<String> r = setup("{\"dryRun\":true}");

        assertEquals(400, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertEquals("access-choice", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("--access-allow"), r.body());
        assertEquals(List.of(), cf.requests());
    }

    @Test
    void accessAllowSetsUpAccessAndTheTunnelAndReloadsTheGateway() throws Exception {
        HttpResponse<String> dry = setup("{\"accessAllow\":\"@example.com\",\"dryRun\":true}");
        assertEquals(200, dry.statusCode(), dry.body());
        assertTrue(JSON.readTree(dry.body()).path("steps").get(0).asText().startsWith("create Access policy"), dry.body());
        assertEquals(List.of(), cf.writes());

        HttpResponse<String> r = setup("{\"accessAllow\":\"@example.com\"}");

        assertEquals(200, r.statusCode(), r.body());
        String aud = cf.accessApps(site.accountId()).get(0).get("aud").asText();
        assertTrue(Files.readString(configFile).contains("aud: \"" + aud + "\""), Files.readString(configFile));
        assertEquals(List.of("reload"), reloads);
        assertEquals("the gateway reloaded its config.", JSON.readTree(r.body()).path("notes").get(0).asText());
    }

    @Test
    void statusListsEachConnectorAndMarksThisNodesWithTheNodeName() throws Exception {
        assertEquals(200, setup("{\"noAccess\":true}").statusCode());
        String tunnelId = cf.tunnels(site.accountId()).get(0).get("id").asText();
        cf.addConnector(tunnelId, CloudflareEmulator.Connector.of("6f1a9c2e-0b7d-4c55-9a0e-3d2f8e4b7c10"));
        cf.addConnector(tunnelId, CloudflareEmulator.Connector.of(LOCAL));

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.address().getPort() + "/v1/tunnel/status"))
                .header("Authorization", "Bearer " + ControlApiFixture.TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> connectors = new ArrayList<>();
        JSON.readTree(r.body()).path("checks").forEach(c -> {
            if (c.path("subject").asText().startsWith("connector ")) {
                connectors.add(c);
            }
        });
        assertEquals(2, connectors.size(), r.body());
        JsonNode mine = connectors.get(1);
        assertEquals("connector " + LOCAL, mine.path("subject").asText());
        assertTrue(mine.path("ok").asBoolean(), r.body());
        assertTrue(mine.path("detail").asText().startsWith("this node's (pve1): cloudflared 2026.8.2"), r.body());
        assertTrue(connectors.get(0).path("detail").asText().startsWith("cloudflared "), r.body());
    }

    @Test
    void noAccessSetsUpOnlyTheTunnel() throws Exception {
        HttpResponse<String> r = setup("{\"noAccess\":true}");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of(), cf.accessApps(site.accountId()));
        assertEquals(1, cf.tunnels(site.accountId()).size());
        assertEquals("listen: 127.0.0.1:8080\n", Files.readString(configFile));
    }
}
