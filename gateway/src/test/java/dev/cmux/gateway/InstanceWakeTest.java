package dev.cmux.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.IdleConfig;
import dev.cmux.gateway.config.WakeConfig;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.TinyDnsServer;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Wake-on-HTTP by cmux's URL form through the whole gateway process against the PVE emulator: a stopped sandbox
 * named {@code pvelxc-…} is started by a request for {@code port-P-pvelxc-….{domain}}, and the control API gives its
 * URLs in both forms. Its server listens only while the emulator says the container runs.
 */
class InstanceWakeTest {

    private static final String TOKEN = "instance-wake-token-0123456789";
    private static final String NAME = "pvelxc-5eed5eed";
    private static final int VMID = 310;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<MiniHttpServer> inside = new AtomicReference<>();
    private PveEmulator pve;
    private TinyDnsServer dns;
    private GatewayProcess gateway;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = RoutablePorts.pick();
        pve = PveEmulator.start();
        pve.containerAddress("127.0.0.1");
        pve.onPowerChange((vmid, running) -> {
            if (vmid == VMID && running) {
                try {
                    inside.set(MiniHttpServer.on(InetAddress.getLoopbackAddress(), port, "inside " + NAME));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        pve.seedContainer(VMID, NAME, false, "cmux",
                new SandboxMetadata("test", Instant.now(), null, SandboxMetadata.KEEP, null).toDescription());
        dns = new TinyDnsServer(); // knows no sandbox name: addresses come from PVE's /interfaces
        GatewayConfig config = GatewayConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .domain("sandbox.test")
                .control(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), TOKEN))
                .pve(pve.config(null))
                .wake(new WakeConfig(true, Duration.ofSeconds(15), Duration.ofSeconds(1), 6, Duration.ofMinutes(10)))
                .idle(new IdleConfig(IdlePolicy.NEVER, Duration.ofHours(1)))
                .suffix("")
                .allowedNetworks(List.of(Cidr.parse("127.0.0.1/32")))
                .nameservers(List.of(dns.address()))
                .build();
        gateway = GatewayProcess.start(config, Transport.NIO, server -> List::of,
                new MutableClock(Instant.parse("2026-12-06T12:00:00Z")));
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        pve.close();
        dns.close();
        if (inside.get() != null) {
            inside.get().close();
        }
    }

    @Test
    void aRequestByInstanceIdWakesTheStoppedSandboxOnce() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.gateway.address().getPort() + "/api")).header("Host", "port-" + port + "-"
                        + NAME.toUpperCase() + ".sandbox.test").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("inside " + NAME, r.body());
        assertEquals("running", pve.status(VMID));
        assertEquals(1, pve.requests().stream()
                .filter(("POST /api2/json/nodes/pve/lxc/" + VMID + "/status/start")::equals).count());
        String metrics = control("/metrics");
        assertEquals(1, value(metrics, "cmux_gateway_wakes_total{result=\"woken\"}"), metrics);
    }

    @Test
    void theControlApiGivesTheUrlsOfBothForms() throws Exception {
        JsonNode s = new ObjectMapper().readTree(control("/v1/sandboxes/" + VMID));
        assertEquals(NAME, s.path("hostname").asText(), s.toString());
        assertEquals("https://port-39378-vm-" + VMID + ".sandbox.test", s.path("urls").path("vscode").asText());
        assertEquals("https://port-39378-" + NAME + ".sandbox.test", s.path("instanceUrls").path("vscode").asText());
    }

    private String control(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.control.address().getPort() + path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
