package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
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
    /** This node's cloudflared, as its metrics /ready answers (cloudflared metrics/readiness.go). */
    static final String LOCAL = "1bedc50d-42b3-473c-b108-ff3d10c0d925";
    final LocalHttpServer cloudflared = new LocalHttpServer(200, ready(200, LOCAL));

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
        return url(cloudflared);
    }

    private static URI url(LocalHttpServer cloudflared) {
        return URI.create("http://127.0.0.1:" + cloudflared.port() + "/ready");
    }

    private static String ready(int status, String connectorId) {
        return "{\"status\":" + status + ",\"readyConnections\":" + (status == 200 ? 4 : 0) + ",\"connectorId\":\""
                + connectorId + "\"}";
    }

    /** Set up, with this node's cloudflared connected. */
    private String tunnelAfterSetup(TunnelSpec spec) {
        fixture.setUp(spec);
        String id = fixture.onlyTunnelId();
        cf.addConnector(id, CloudflareEmulator.Connector.of(LOCAL));
        return id;
    }

    private static List<StatusLine> connectorLines(List<StatusLine> lines) {
        return lines.stream().filter(l -> l.subject().startsWith("connector ")).toList();
    }

    private static StatusLine line(List<StatusLine> lines, String subjectStart) {
        return lines.stream().filter(l -> l.subject().startsWith(subjectStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + subjectStart + " in " + lines));
    }

    @Test
    void everyLineIsOkWhenTunnelDnsCloudflaredAndGatewayAreUp() {
        TunnelSpec spec = spec(gateway.hostPort());
        tunnelAfterSetup(spec);

        List<StatusLine> lines = new TunnelStatus(client, spec, ready(), TestSites.NODE).check();

        assertTrue(TunnelStatus.allOk(lines), lines.toString());
        assertTrue(line(lines, "tunnel").detail().contains("healthy with 1 connector (4 edge connections)"), lines.toString());
        assertTrue(line(lines, "gateway").detail().contains("HTTP 404"));
        assertTrue(line(lines, "cloudflared").detail().contains("readyConnections"));
    }

    @Test
    void eachOfThreeConnectorsHasALineAndThisNodesIsMarkedWithTheNodeName() {
        TunnelSpec spec = spec(gateway.hostPort());
        fixture.setUp(spec);
        String id = fixture.onlyTunnelId();
        String other = "6f1a9c2e-0b7d-4c55-9a0e-3d2f8e4b7c10";
        cf.addConnector(id, CloudflareEmulator.Connector.of(other));
        cf.addConnector(id, new CloudflareEmulator.Connector(LOCAL, "2026.8.2", "linux_amd64",
                Instant.parse("2026-12-07T06:58:00.123456Z"), List.of("fra08", "ams01", "fra12", "ams08")));
        cf.addConnector(id, CloudflareEmulator.Connector.of("0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f"));

        List<StatusLine> lines = new TunnelStatus(client, spec, ready(), "pve2").check();

        assertTrue(TunnelStatus.allOk(lines), lines.toString());
        assertTrue(line(lines, "tunnel").detail().endsWith("is healthy with 3 connectors (12 edge connections)"),
                lines.toString());
        List<StatusLine> connectors = connectorLines(lines);
        assertEquals(3, connectors.size(), lines.toString());
        StatusLine mine = line(lines, "connector " + LOCAL);
        assertEquals("this node's (pve2): cloudflared 2026.8.2 linux_amd64 since 2026-12-07T06:58:00Z, 4 edge "
                + "connections (fra08, ams01, fra12, ams08)", mine.detail());
        assertEquals(1, connectors.stream().filter(l -> l.detail().contains("this node's")).count(), lines.toString());
        assertTrue(line(lines, "connector " + other).detail().startsWith("cloudflared 2026.8.2 linux_amd64 since "),
                lines.toString());
        assertEquals("ok       connector " + LOCAL + ": " + mine.detail(), mine.render());
    }

    @Test
    void thisNodesCloudflaredConnectedButNotAmongTheConnectorsIsAProblemSayingToRestartItWithTheToken() {
        TunnelSpec spec = spec(gateway.hostPort());
        fixture.setUp(spec);
        cf.connect(fixture.onlyTunnelId(), 2);

        List<StatusLine> lines = new TunnelStatus(client, spec, ready(), "pve2").check();

        List<StatusLine> connectors = connectorLines(lines);
        assertEquals(3, connectors.size(), lines.toString());
        assertTrue(connectors.subList(0, 2).stream().allMatch(StatusLine::ok), lines.toString());
        StatusLine mine = line(lines, "connector " + LOCAL);
        assertFalse(mine.ok());
        assertEquals("this node's (pve2): cloudflared is connected, but not to tunnel cmux-gateway (another tunnel's "
                + "token)", mine.detail());
        assertEquals("restart it as root so it runs with the token `tunnel setup` wrote to " + spec.tokenFile()
                + ": systemctl restart cmux-cloudflared.", mine.fix());
        assertFalse(TunnelStatus.allOk(lines));
    }

    @Test
    void thisNodesCloudflaredWithoutEdgeConnectionsIsAProblemNextToTheOtherNodesConnectors() {
        TunnelSpec spec = spec(gateway.hostPort());
        fixture.setUp(spec);
        cf.connect(fixture.onlyTunnelId(), 1);
        try (LocalHttpServer notConnected = new LocalHttpServer(503, ready(503, LOCAL))) {
            List<StatusLine> lines = new TunnelStatus(client, spec, url(notConnected), "pve2").check();

            assertTrue(line(lines, "tunnel").ok(), "another node's connector serves: " + lines);
            StatusLine mine = line(lines, "connector " + LOCAL);
            assertFalse(mine.ok());
            assertEquals("this node's (pve2): cloudflared runs but holds no edge connection, so Cloudflare sends this "
                    + "node nothing", mine.detail());
            assertTrue(mine.fix().startsWith("check `journalctl -u cmux-cloudflared`"), mine.fix());
        }
    }

    @Test
    void aCloudflaredThatNamesNoConnectorMarksNoneAndIsNoProblem() {
        TunnelSpec spec = spec(gateway.hostPort());
        fixture.setUp(spec);
        cf.connect(fixture.onlyTunnelId(), 2);
        try (LocalHttpServer older = new LocalHttpServer(200, "{\"status\":200,\"readyConnections\":4}")) {
            List<StatusLine> lines = new TunnelStatus(client, spec, url(older), "pve2").check();

            assertTrue(TunnelStatus.allOk(lines), lines.toString());
            assertEquals(2, connectorLines(lines).size());
            assertTrue(connectorLines(lines).stream().noneMatch(l -> l.detail().contains("this node's")), lines.toString());
        }
    }

    @Test
    void aMissingDnsRecordIsAProblemWithTheCommandThatFixesIt() {
        TunnelSpec spec = spec(gateway.hostPort());
        tunnelAfterSetup(spec);
        String recordId = cf.dnsRecords(site.zoneId()).get(0).get("id").asText();
        client.deleteDnsRecord(site.zoneId(), new DnsRecord(recordId, "CNAME", "*.example.com", null, true, 1, null));

        List<StatusLine> lines = new TunnelStatus(client, spec, ready(), TestSites.NODE).check();

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

        List<StatusLine> lines = new TunnelStatus(client, spec, ready(), TestSites.NODE).check();

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
                    URI.create("http://127.0.0.1:" + notReady.port() + "/ready"), TestSites.NODE).check();

            assertFalse(line(lines, "tunnel").ok());
            assertTrue(line(lines, "tunnel").fix().contains("systemctl"), lines.toString());
            assertFalse(line(lines, "cloudflared").ok());
            assertTrue(line(lines, "cloudflared").detail().contains("HTTP 503"));
        }
    }

    @Test
    void noTunnelYetIsReportedAndTheLocalChecksStillRun() {
        List<StatusLine> lines = new TunnelStatus(client, spec(gateway.hostPort()), ready(), TestSites.NODE).check();

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

        StatusLine ingress = line(new TunnelStatus(client, spec, ready(), TestSites.NODE).check(), "ingress");

        assertFalse(ingress.ok());
        assertTrue(ingress.detail().contains("http://localhost:1"), ingress.detail());
    }
}
