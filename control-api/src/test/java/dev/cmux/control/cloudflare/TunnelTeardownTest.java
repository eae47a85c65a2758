package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.config.CloudflareConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelTeardownTest {

    @TempDir
    Path dir;
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;
    CloudflareConfig config;
    CloudflareClient client;
    TunnelSpec spec;

    @BeforeEach
    void start() {
        cf = CloudflareEmulator.start();
        site = cf.seedSite("example.com");
        config = TestSites.config(cf, site, "example.com", dir);
        client = TestSites.client(config);
        spec = TestSites.spec(config, true);
        TunnelSetup setup = new TunnelSetup(client, spec, false);
        setup.apply(setup.plan());
    }

    @AfterEach
    void stop() {
        client.close();
        cf.close();
        cf.assertNoViolations();
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
