package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TunnelStatusTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;
    CloudflareClient client;
    final LocalHttpServer gateway = new LocalHttpServer(404, "no route");
    final LocalHttpServer cloudflared = new LocalHttpServer(200, "{\"status\":200,\"readyConnections\":4}");

    @BeforeEach
    void names() {
        cf = fixture.emulator;
        site = fixture.site;
        client = fixture.client;
    }

    @AfterEach
    void stopLocalServers() {
        gateway.close();
        cloudflared.close();
    }

    private TunnelSpec spec(String gatewayListen) {
        return TunnelSpec.from(fixture.config, gatewayListen, false);
    }

    private URI ready() {
        return URI.create("http://127.0.0.1:" + cloudflared.port() + "/ready");
    }

    private String tunnelAfterSetup(TunnelSpec spec) {
        fixture.setUp(spec);
        String id = fixture.onlyTunnelId();
        cf.connect(id, 1);
        return id;
    }

    private static StatusLine line(List<StatusLine> lines, String subjectStart) {
        return lines.stream().filter(l -> l.subject().startsWith(subjectStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + subjectStart + " in " + lines));
    }

    @Test
    void everyLineIsOkWhenTunnelDnsCloudflaredAndGatewayAreUp() {
        TunnelSpec spec = spec(gateway.hostPort());
        tunnelAfterSetup(spec);

        List<StatusLine> lines = new TunnelStatus(client, spec, ready()).check();

        assertTrue(TunnelStatus.allOk(lines), lines.toString());
        assertTrue(line(lines, "tunnel").detail().contains("healthy with 1 connector (4 edge connections)"), lines.toString());
        assertTrue(line(lines, "gateway").detail().contains("HTTP 404"));
        assertTrue(line(lines, "cloudflared").detail().contains("readyConnections"));
    }

    @Test
    void aMissingDnsRecordIsAProblemWithTheCommandThatFixesIt() {
        TunnelSpec spec = spec(gateway.hostPort());
        tunnelAfterSetup(spec);
        String recordId = cf.dnsRecords(site.zoneId()).get(0).get("id").asText();
        client.deleteDnsRecord(site.zoneId(), new DnsRecord(recordId, "CNAME", "*.example.com", null, true, 1, null));

        List<StatusLine> lines = new TunnelStatus(client, spec, ready()).check();

        StatusLine dns = line(lines, "DNS *.example.com");
        assertFalse(dns.ok());
        assertEquals("no record", dns.detail());
        assertTrue(dns.fix().startsWith("run `tunnel setup` to create the CNAME"), dns.fix());
        assertFalse(TunnelStatus.allOk(lines));
    }

    @Test
    void aGatewayThatDoesNotAnswerIsAProblemNamingItsAddress() {
        int closed = LocalHttpServer.closedPort();
        TunnelSpec spec = spec("127.0.0.1:" + closed);
        tunnelAfterSetup(spec);

        List<StatusLine> lines = new TunnelStatus(client, spec, ready()).check();

        StatusLine gw = line(lines, "gateway");
        assertFalse(gw.ok());
        assertEquals("gateway 127.0.0.1:" + closed, gw.subject());
        assertEquals("connection refused", gw.detail());
        assertTrue(gw.fix().contains("start the gateway"), gw.fix());
        assertTrue(gw.render().startsWith("problem  gateway 127.0.0.1:" + closed + ": connection refused — "));
    }

    @Test
    void aTunnelWithoutConnectorsAndCloudflaredNotReadyAreProblems() {
        TunnelSpec spec = spec(gateway.hostPort());
        String id = tunnelAfterSetup(spec);
        cf.connect(id, 0);
        try (LocalHttpServer notReady = new LocalHttpServer(503, "{\"status\":503,\"readyConnections\":0}")) {
            List<StatusLine> lines = new TunnelStatus(client, spec,
                    URI.create("http://127.0.0.1:" + notReady.port() + "/ready")).check();

            assertFalse(line(lines, "tunnel").ok());
            assertTrue(line(lines, "tunnel").fix().contains("systemctl"), lines.toString());
            assertFalse(line(lines, "cloudflared").ok());
            assertTrue(line(lines, "cloudflared").detail().contains("HTTP 503"));
        }
    }

    @Test
    void noTunnelYetIsReportedAndTheLocalChecksStillRun() {
        List<StatusLine> lines = new TunnelStatus(client, spec(gateway.hostPort()), ready()).check();

        StatusLine tunnel = line(lines, "tunnel");
        assertFalse(tunnel.ok());
        assertEquals("cmux-gateway does not exist", tunnel.detail());
        assertTrue(line(lines, "gateway").ok());
    }

    @Test
    void aWrongIngressIsReported() {
        TunnelSpec spec = spec(gateway.hostPort());
        String id = tunnelAfterSetup(spec);
        client.putConfiguration(site.accountId(), id, client.withIngress(client.configuration(site.accountId(), id),
                List.of(IngressRule.route("*.example.com", "http://localhost:1"), IngressRule.catchAll("http_status:404"))));

        StatusLine ingress = line(new TunnelStatus(client, spec, ready()).check(), "ingress");

        assertFalse(ingress.ok());
        assertTrue(ingress.detail().contains("http://localhost:1"), ingress.detail());
    }
}
