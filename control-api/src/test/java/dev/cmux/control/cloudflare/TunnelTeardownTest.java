package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TunnelTeardownTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;
    CloudflareClient client;
    TunnelSpec spec;

    @BeforeEach
    void setUpTunnelWithPveRoute() {
        cf = fixture.emulator;
        site = fixture.site;
        client = fixture.client;
        spec = fixture.spec(true);
        fixture.setUp(spec);
    }

    @Test
    void teardownDeletesTheCnamesIntoTheTunnelTheConnectedTunnelAndTheTokenFile() {
        cf.addDnsRecord(site.zoneId(), "A", "www.example.com", "203.0.113.8", true);
        String tunnelId = cf.tunnels(site.accountId()).get(0).get("id").asText();
        cf.connect(tunnelId, 2);
        TunnelTeardown teardown = new TunnelTeardown(client, spec);

        List<String> done = teardown.remove(teardown.plan(), true);

        List<JsonNode> records = cf.dnsRecords(site.zoneId());
        assertEquals(1, records.size(), "only the unrelated record is left: " + records);
        assertEquals("www.example.com", records.get(0).get("name").asText());
        JsonNode tunnel = cf.tunnels(site.accountId()).get(0);
        assertFalse(tunnel.get("deleted_at").isNull(), "soft-deleted");
        assertTrue(cf.requests().stream().anyMatch(r -> r.method().equals("DELETE")
                && r.path().endsWith("/cfd_tunnel/" + tunnelId) && r.query().get("cascade").equals(List.of("true"))));
        assertFalse(Files.exists(spec.tokenFile()));
        assertEquals(4, done.size(), done.toString());
    }

    @Test
    void teardownWithoutConfirmationRemovesNothing() {
        TunnelTeardown teardown = new TunnelTeardown(client, spec);
        TunnelTeardown.Removal removal = teardown.plan();
        cf.clearRequests();

        assertThrows(IllegalStateException.class, () -> teardown.remove(removal, false));

        assertEquals(List.of(), cf.writes());
        assertEquals(2, cf.dnsRecords(site.zoneId()).size());
    }

    @Test
    void afterTeardownSetupStartsAfreshWithANewTunnel() {
        TunnelTeardown teardown = new TunnelTeardown(client, spec);
        teardown.remove(teardown.plan(), true);

        TunnelPlan plan = new TunnelSetup(client, spec, false).plan();

        assertTrue(plan.steps().get(0) instanceof SetupStep.CreateTunnel, plan.steps().toString());
        assertTrue(new TunnelTeardown(client, spec).plan().tunnel().isEmpty());
    }
}
