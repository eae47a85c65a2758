package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.config.CloudflareConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TunnelSetupTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;
    CloudflareClient client;
    Path dir;

    @BeforeEach
    void names() {
        cf = fixture.emulator;
        site = fixture.site;
        client = fixture.client;
        dir = fixture.dir;
    }

    private TunnelSetup setup(boolean pveRoute, boolean replaceRecords) {
        return fixture.setup(pveRoute, replaceRecords);
    }

    private JsonNode onlyTunnel() {
        String id = fixture.onlyTunnelId();
        return cf.tunnels(site.accountId()).stream().filter(t -> t.get("id").asText().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void firstSetupCreatesTheTunnelItsIngressTheWildcardCnameAndTheLocalFiles() throws Exception {
        TunnelSetup setup = setup(false, false);
        TunnelPlan plan = setup.plan();
        assertEquals(List.of(SetupStep.CreateTunnel.class, SetupStep.PutIngress.class, SetupStep.CreateCname.class,
                        SetupStep.WriteTokenFile.class, SetupStep.WriteUnitFile.class),
                plan.steps().stream().map(Object::getClass).toList());

        setup.apply(plan);

        JsonNode tunnel = onlyTunnel();
        assertEquals("cmux-gateway", tunnel.get("name").asText());
        assertEquals("cloudflare", tunnel.get("config_src").asText());
        JsonNode ingress = cf.configuration(tunnel.get("id").asText()).get("ingress");
        assertEquals("*.example.com", ingress.get(0).get("hostname").asText());
        assertEquals("http://localhost:8080", ingress.get(0).get("service").asText());
        assertEquals("http_status:404", ingress.get(1).get("service").asText());
        assertFalse(ingress.get(1).has("hostname"), "the catch-all has no hostname");
        JsonNode record = cf.dnsRecords(site.zoneId()).get(0);
        assertEquals("CNAME", record.get("type").asText());
        assertEquals("*.example.com", record.get("name").asText());
        assertEquals(tunnel.get("id").asText() + ".cfargotunnel.com", record.get("content").asText());
        assertTrue(record.get("proxied").asBoolean());
        assertTrue(Files.readString(dir.resolve("cloudflared/token")).startsWith("ey"), "a base64 JSON token");
        assertEquals(CloudflaredUnit.render(dir.resolve("cloudflared/token").toAbsolutePath()),
                Files.readString(dir.resolve("systemd/cmux-cloudflared.service")));
    }

    @Test
    void secondSetupPlansNothingAndSendsNoWrites() {
        setup(false, false).apply(setup(false, false).plan());
        cf.clearRequests();

        TunnelPlan again = setup(false, false).plan();

        assertTrue(again.isEmpty(), "second plan: " + again.steps());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void setupOnAnotherNodeOfTheClusterWritesOnlyItsLocalFilesForTheSameTunnel() throws Exception {
        setup(false, false).apply(setup(false, false).plan());
        String token = Files.readString(dir.resolve("cloudflared/token"));
        // the next node: the same Cloudflare account and tunnel, none of this node's files
        Files.delete(dir.resolve("cloudflared/token"));
        Files.delete(dir.resolve("systemd/cmux-cloudflared.service"));
        cf.clearRequests();

        TunnelPlan there = setup(false, false).plan();
        assertEquals(List.of(SetupStep.WriteTokenFile.class, SetupStep.WriteUnitFile.class),
                there.steps().stream().map(Object::getClass).toList());
        setup(false, false).apply(there);

        assertEquals(List.of(), cf.writes(), "the tunnel, its ingress and DNS are the cluster's: left as they are");
        assertEquals(token, Files.readString(dir.resolve("cloudflared/token")), "a replica of the same tunnel");
        assertEquals(1, cf.tunnels(site.accountId()).size());
    }

    @Test
    void aDryRunPlanChangesNothingAnywhere() {
        setup(false, false).plan();

        assertEquals(List.of(), cf.writes());
        assertEquals(List.of(), cf.tunnels(site.accountId()));
        assertFalse(Files.exists(dir.resolve("cloudflared")));
        assertFalse(Files.exists(dir.resolve("systemd")));
    }

    @Test
    void aCnamePointingElsewhereIsRepointedAtTheTunnel() {
        String id = cf.addDnsRecord(site.zoneId(), "CNAME", "*.example.com", "old-host.example.net", false);

        TunnelPlan plan = setup(false, false).plan();
        assertTrue(plan.steps().stream().anyMatch(s -> s instanceof SetupStep.RepointCname), plan.steps().toString());
        setup(false, false).apply(plan);

        JsonNode record = cf.dnsRecords(site.zoneId()).get(0);
        assertEquals(id, record.get("id").asText(), "updated in place, not recreated");
        assertEquals(onlyTunnel().get("id").asText() + ".cfargotunnel.com", record.get("content").asText());
        assertTrue(record.get("proxied").asBoolean());
    }

    @Test
    void anARecordAtTheWildcardStopsSetupWithASentenceNamingTheFix() {
        cf.addDnsRecord(site.zoneId(), "A", "*.example.com", "203.0.113.7", true);

        TunnelPlan plan = setup(false, false).plan();

        assertTrue(plan.blocked());
        String blocker = plan.blockers().get(0);
        assertTrue(blocker.contains("*.example.com already has A 203.0.113.7"), blocker);
        assertTrue(blocker.contains("--replace-records"), blocker);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> setup(false, false).apply(plan));
        assertEquals(blocker, refused.getMessage());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void anARecordIsReplacedWhenReplaceRecordsIsGiven() {
        cf.addDnsRecord(site.zoneId(), "A", "*.example.com", "203.0.113.7", true);
        cf.addDnsRecord(site.zoneId(), "AAAA", "*.example.com", "2001:db8::7", true);
        cf.addDnsRecord(site.zoneId(), "A", "www.example.com", "203.0.113.8", true);

        setup(false, true).apply(setup(false, true).plan());

        List<JsonNode> records = cf.dnsRecords(site.zoneId());
        assertEquals(2, records.size(), records.toString());
        assertTrue(records.stream().anyMatch(r -> r.get("name").asText().equals("www.example.com")), "others kept");
        assertTrue(records.stream().anyMatch(r -> r.get("type").asText().equals("CNAME")
                && r.get("name").asText().equals("*.example.com")));
    }

    @Test
    void aTunnelCreatedByAnotherRunBetweenPlanAndApplyIsAdoptedAfterThe409() {
        TunnelSetup setup = setup(false, false);
        TunnelPlan plan = setup.plan();
        String raced = cf.addTunnel(site.accountId(), "cmux-gateway");

        setup.apply(plan);

        assertEquals(raced, onlyTunnel().get("id").asText());
        assertEquals(raced + ".cfargotunnel.com", cf.dnsRecords(site.zoneId()).get(0).get("content").asText());
        assertTrue(cf.requests().stream().anyMatch(r -> r.method().equals("POST") && r.path().endsWith("/cfd_tunnel")),
                "the create was tried and answered 409");
    }

    @Test
    void aDeletedTunnelWithTheSameNameIsIgnoredAndANewOneCreated() {
        String old = cf.addTunnel(site.accountId(), "cmux-gateway");
        client.deleteTunnel(site.accountId(), old, false);

        setup(false, false).apply(setup(false, false).plan());

        List<JsonNode> tunnels = cf.tunnels(site.accountId());
        assertEquals(2, tunnels.size());
        assertTrue(cf.requests().stream().filter(r -> r.path().endsWith("/cfd_tunnel") && r.method().equals("GET"))
                .allMatch(r -> r.query().get("is_deleted").equals(List.of("false"))));
    }

    @Test
    void theOptionalPveRouteAddsARuleBeforeTheWildcardAndItsOwnCname() {
        setup(true, false).apply(setup(true, false).plan());

        JsonNode ingress = cf.configuration(onlyTunnel().get("id").asText()).get("ingress");
        assertEquals("pve.example.com", ingress.get(0).get("hostname").asText());
        assertEquals("http://localhost:8080", ingress.get(0).get("service").asText());
        assertEquals("*.example.com", ingress.get(1).get("hostname").asText());
        assertEquals(3, ingress.size());
        assertEquals(2, cf.dnsRecords(site.zoneId()).size());
        assertTrue(setup(true, false).plan().isEmpty());
    }

    @Test
    void ingressChangedByHandIsPutBackKeepingOtherConfigurationKeys() {
        setup(false, false).apply(setup(false, false).plan());
        String tunnelId = onlyTunnel().get("id").asText();
        var config = client.configuration(site.accountId(), tunnelId);
        config.putObject("originRequest").put("keepAliveTimeout", 120);
        client.putConfiguration(site.accountId(), tunnelId, client.withIngress(config,
                List.of(IngressRule.route("*.example.com", "http://localhost:9999"), IngressRule.catchAll("http_status:404"))));

        TunnelPlan plan = setup(false, false).plan();
        assertEquals(List.of(SetupStep.PutIngress.class), plan.steps().stream().map(Object::getClass).toList());
        setup(false, false).apply(plan);

        JsonNode after = cf.configuration(tunnelId);
        assertEquals("http://localhost:8080", after.get("ingress").get(0).get("service").asText());
        assertEquals(120, after.get("originRequest").get("keepAliveTimeout").asInt());
    }

    @Test
    void aDomainBelowTheZoneApexIsFoundByWalkingUpAndWarnedAboutUniversalSsl() {
        CloudflareConfig config = TestSites.config(cf, site, "sandbox.example.com", dir);

        TunnelPlan plan = new TunnelSetup(client, TestSites.spec(config, false), false).plan();

        assertEquals(site.zoneId(), plan.site().zone().id());
        assertTrue(plan.warnings().get(0).contains("Universal SSL covers only one level"), plan.warnings().toString());
        assertTrue(plan.steps().stream().anyMatch(s -> s.describe().contains("*.sandbox.example.com")));
    }

    @Test
    void theAccountIsTakenFromTheZoneWhenCfAccountIdIsUnset() {
        CloudflareConfig config = TestSites.config(cf, site.token(), null, null, "example.com", dir);

        TunnelPlan plan = new TunnelSetup(client, TestSites.spec(config, false), false).plan();

        assertEquals(site.accountId(), plan.site().accountId());
    }

    @Test
    void anAccountOwnedTokenIsVerifiedAtTheAccountEndpoint() {
        String token = cf.addAccountToken(site.accountId(), CloudflareEmulator.ALL_PERMISSIONS);
        CloudflareConfig config = TestSites.config(cf, token, null, null, "example.com", dir);
        try (CloudflareClient accountClient = TestSites.client(config)) {
            new TunnelSetup(accountClient, TestSites.spec(config, false), false).plan();
        }
        assertTrue(cf.requests().stream().anyMatch(r -> r.path().equals(
                "/client/v4/accounts/" + site.accountId() + "/tokens/verify")));
    }

    @Test
    void aDisabledTokenStopsSetupBeforeAnythingElseIsRead() {
        cf.setTokenStatus(site.token(), "disabled");

        CloudflareApiException e = assertThrows(CloudflareApiException.class, () -> setup(false, false).plan());

        assertEquals("The Cloudflare API token is disabled: enable it or create a new one and set CF_API_TOKEN.",
                e.getMessage());
        assertTrue(cf.requests().stream().allMatch(r -> r.path().endsWith("/tokens/verify")), cf.requests().toString());
    }

    @Test
    void aConflictingRecordCreatedBetweenPlanAndApplyIsReportedWithTheWayOut() {
        TunnelSetup setup = setup(false, false);
        TunnelPlan plan = setup.plan();
        cf.addDnsRecord(site.zoneId(), "A", "*.example.com", "203.0.113.9", false);

        CloudflareApiException e = assertThrows(CloudflareApiException.class, () -> setup.apply(plan));

        assertTrue(e.getMessage().startsWith("A DNS record at *.example.com appeared while setup ran"), e.getMessage());
        assertTrue(e.hasErrorCode(81053));
        assertTrue(setup(false, false).plan().blocked(), "the next plan sees the A record");
    }
}
