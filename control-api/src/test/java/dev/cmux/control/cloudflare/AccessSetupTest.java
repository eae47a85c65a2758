package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tunnel setup --access-allow}: the Access app, its allow policy and the gateway's settings. */
class AccessSetupTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    CloudflareEmulator cf;
    String account;
    Path configFile;
    final List<String> reloads = new ArrayList<>();

    @BeforeEach
    void zeroTrust() throws Exception {
        cf = fixture.emulator;
        account = fixture.site.accountId();
        cf.enableAccess(account, "myteam");
        configFile = fixture.dir.resolve("gateway.yaml");
        Files.writeString(configFile, "# the operator's notes\nlisten: 127.0.0.1:8080\n");
        Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-r-----"));
    }

    private TunnelSetup setup(String allow, boolean pveRoute) {
        return new TunnelSetup(fixture.client, fixture.spec(pveRoute), false, Optional.of(new AccessSetup(
                AccessAllow.parse(allow), configFile, () -> {
                    reloads.add("reload");
                    return "the gateway reloaded its config.";
                })));
    }

    private static List<Class<?>> kinds(TunnelPlan plan) {
        return plan.steps().stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void aFreshAccountGetsThePolicyTheAppTheGatewaySettingsThenTheTunnelInThatOrder() throws Exception {
        TunnelSetup setup = setup("alice@example.com, @example.org", false);
        TunnelPlan plan = setup.plan();

        assertEquals(List.of(SetupStep.SaveAccessPolicy.class, SetupStep.SaveAccessApp.class,
                SetupStep.WriteAccessSettings.class, SetupStep.ReloadGateway.class, SetupStep.CreateTunnel.class,
                SetupStep.PutIngress.class, SetupStep.CreateCname.class, SetupStep.WriteTokenFile.class,
                SetupStep.WriteUnitFile.class), kinds(plan));
        List<String> notes = new ArrayList<>();
        setup.apply(plan, notes::add);

        JsonNode policy = cf.accessPolicies(account).get(0);
        assertEquals("cmux-gateway allow *.example.com", policy.get("name").asText());
        assertEquals("allow", policy.get("decision").asText());
        assertEquals("[{\"email\":{\"email\":\"alice@example.com\"}},{\"email_domain\":{\"domain\":\"example.org\"}}]",
                policy.get("include").toString());
        JsonNode app = cf.accessApps(account).get(0);
        assertEquals("self_hosted", app.get("type").asText());
        assertEquals("*.example.com", app.get("domain").asText());
        assertEquals("[{\"type\":\"public\",\"uri\":\"*.example.com\"}]", app.get("destinations").toString());
        assertEquals(policy.get("id").asText(), app.get("policies").get(0).get("id").asText());
        assertEquals("# the operator's notes\nlisten: 127.0.0.1:8080\naccess:\n  teamName: \"myteam\"\n  aud: \""
                + app.get("aud").asText() + "\"\n", Files.readString(configFile));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(configFile)),
                "the config keeps its mode");
        assertEquals(List.of("reload"), reloads);
        assertEquals("the gateway reloaded its config.", notes.get(0));
        assertTrue(notes.get(1).startsWith("next, as root: systemctl daemon-reload"), notes.toString());
        List<String> writes = cf.writes().stream().map(r -> r.method() + " " + r.path()).toList();
        assertTrue(writes.get(0).endsWith("/access/policies") && writes.get(1).endsWith("/access/apps"),
                "Access before anything routes to the gateway: " + writes);
        assertEquals(1, cf.tunnels(account).size());
    }

    @Test
    void aSecondRunPlansNothingAndWritesNothing() {
        setup("@example.com", true).apply(setup("@example.com", true).plan());
        cf.clearRequests();
        reloads.clear();

        TunnelPlan again = setup("@example.com", true).plan();

        assertTrue(again.isEmpty(), "second plan: " + again.describeSteps());
        assertEquals(List.of(), cf.writes());
        assertEquals(List.of(), reloads);
    }

    @Test
    void aChangedAllowListUpdatesThePolicyOnlyAndKeepsTheAud() throws Exception {
        setup("@example.com", false).apply(setup("@example.com", false).plan());
        String aud = cf.accessApps(account).get(0).get("aud").asText();
        cf.clearRequests();

        TunnelPlan plan = setup("@example.com,bob@example.net", false).plan();
        setup("@example.com,bob@example.net", false).apply(plan);

        assertEquals(List.of(SetupStep.SaveAccessPolicy.class), kinds(plan));
        assertEquals(List.of("PUT"), cf.writes().stream().map(CloudflareEmulator.RecordedRequest::method).toList());
        assertEquals(aud, cf.accessApps(account).get(0).get("aud").asText());
        assertTrue(Files.readString(configFile).contains(aud));
    }

    @Test
    void anAppSomeoneMadeForTheWildcardIsAdoptedKeepingItsOwnSettingsAndAud() throws Exception {
        ObjectNode theirs = EmulatorReply.JSON.createObjectNode().put("type", "self_hosted")
                .put("domain", "*.example.com").put("name", "ops portal").put("session_duration", "8h")
                .put("app_launcher_visible", true);
        String aud = cf.addAccessApp(account, theirs);

        TunnelPlan plan = setup("@example.com", false).plan();
        setup("@example.com", false).apply(plan);

        JsonNode app = cf.accessApps(account).get(0);
        assertEquals(1, cf.accessApps(account).size(), "adopted, not duplicated");
        assertTrue(plan.describeSteps().contains("update Access application *.example.com (self-hosted, hosts"
                + " *.example.com) with the allow policy"), plan.describeSteps().toString());
        assertEquals(aud, app.get("aud").asText());
        assertEquals("ops portal", app.get("name").asText());
        assertEquals("8h", app.get("session_duration").asText());
        assertFalse(app.get("app_launcher_visible").asBoolean());
    }

    @Test
    void aConfigFileSetupCannotEditBlocksThePlanBeforeAnythingChangesAtCloudflare() throws Exception {
        Files.writeString(configFile, "access: { bypassPorts: [3000] }\n");

        TunnelPlan plan = setup("@example.com", false).plan();

        assertTrue(plan.blocked());
        assertTrue(plan.blockers().get(0).contains("written inline"), plan.blockers().toString());
        assertThrows(IllegalStateException.class, () -> setup("@example.com", false).apply(plan));
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void aConfigFileThatCannotBeWrittenBlocksThePlanToo() throws Exception {
        Path notADirectory = fixture.dir.resolve("plain-file");
        Files.writeString(notADirectory, "");
        configFile = notADirectory.resolve("gateway.yaml");

        TunnelPlan plan = setup("@example.com", false).plan();

        assertTrue(plan.blockers().get(0).contains(configFile + " cannot take the Access settings"),
                plan.blockers().toString());
        assertThrows(IllegalStateException.class, () -> setup("@example.com", false).apply(plan));
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void withoutZeroTrustSetupSaysHowToEnableItAndChangesNothing() {
        CloudflareEmulator.Site other = cf.seedSite("example.net");
        var config = TestSites.config(cf, other, "example.net", fixture.dir);
        try (CloudflareClient theirs = TestSites.client(config)) {
            TunnelSetup setup = new TunnelSetup(theirs, TestSites.spec(config, false), false,
                    Optional.of(new AccessSetup(AccessAllow.parse("@example.net"), configFile, () -> "")));

            CloudflareApiException e = assertThrows(CloudflareApiException.class, setup::plan);

            assertTrue(e.getMessage().contains("choose a team name once under Zero Trust"), e.getMessage());
            assertEquals(List.of(), cf.writes());
        }
    }

    @Test
    void teardownRemovesTheAppAndItsPolicy() {
        setup("@example.com", false).apply(setup("@example.com", false).plan());
        TunnelTeardown teardown = new TunnelTeardown(fixture.client, fixture.spec(false));

        List<String> done = teardown.remove(teardown.plan(), true);

        assertEquals(List.of(), cf.accessApps(account));
        assertEquals(List.of(), cf.accessPolicies(account));
        assertEquals("deleted Access application *.example.com", done.get(0));
    }

    @Test
    void aPublishedControlApiIsRoutedFirstAndSitsBehindTheSameAccessApp() {
        TunnelSetup plain = setup("@example.com", false);
        TunnelSetup published = new TunnelSetup(fixture.client, PublishedControlApi.apply(fixture.spec(false), true,
                plain.access(), TestSites.CONTROL), false, plain.access());

        published.apply(published.plan());

        JsonNode ingress = cf.configuration(fixture.onlyTunnelId()).get("ingress");
        assertEquals("gateway.example.com", ingress.get(0).get("hostname").asText());
        assertEquals("http://localhost:8081", ingress.get(0).get("service").asText());
        assertEquals("*.example.com", ingress.get(1).get("hostname").asText());
        assertEquals(List.of("*.example.com", "gateway.example.com"),
                cf.accessApps(account).get(0).get("destinations").findValuesAsText("uri"));
        assertTrue(cf.dnsRecords(fixture.site.zoneId()).stream()
                .anyMatch(r -> r.get("name").asText().equals("gateway.example.com")));
    }

    @Test
    void theControlApiIsPublishedOnlyBehindAccessAndItsBearerToken() {
        IllegalArgumentException noAccess = assertThrows(IllegalArgumentException.class,
                () -> PublishedControlApi.apply(fixture.spec(false), true, Optional.empty(), TestSites.CONTROL));
        assertTrue(noAccess.getMessage().contains("needs --access-allow"), noAccess.getMessage());
        IllegalArgumentException noToken = assertThrows(IllegalArgumentException.class,
                () -> PublishedControlApi.apply(fixture.spec(false), true, setup("@example.com", false).access(),
                        new PublishedControlApi.Endpoint("127.0.0.1:8081", false)));
        assertTrue(noToken.getMessage().contains("GATEWAY_CONTROL_TOKEN"), noToken.getMessage());
    }
}
