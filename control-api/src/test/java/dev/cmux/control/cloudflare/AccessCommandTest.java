package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.cli.ConsoleCapture;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.poll.FakeTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code access token create NAME} against the emulator. */
class AccessCommandTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    final ConsoleCapture console = new ConsoleCapture();
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;
    CloudflareConfig config;
    Path dir;

    @BeforeEach
    void zeroTrust() {
        cf = fixture.emulator;
        site = fixture.site;
        config = fixture.config;
        dir = fixture.dir;
        cf.enableAccess(site.accountId(), "myteam");
    }

    private int run(String... args) {
        return console.run(AccessCommand.commandLine(() -> new TunnelCommand.Settings(config, TestSites.GATEWAY, null,
                () -> "no gateway", TestSites.CONTROL, TestSites.NODE), TestSites.retry(new FakeTime())), args);
    }

    private void setUpWithAccess(boolean pveRoute) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "listen: 127.0.0.1:8080\n");
        try (CloudflareClient client = TestSites.client(config)) {
            TunnelSetup setup = new TunnelSetup(client, TestSites.spec(config, pveRoute), false,
                    Optional.of(new AccessSetup(AccessAllow.parse("@example.com"), file, () -> "")));
            setup.apply(setup.plan());
        }
    }

    private JsonNode policyNamed(String name) {
        return cf.accessPolicies(site.accountId()).stream().filter(p -> p.get("name").asText().equals(name))
                .findFirst().orElseThrow();
    }

    @Test
    void aTokenIsPrintedOnceAndLetInByAServiceAuthPolicyLinkedToTheApp() throws Exception {
        setUpWithAccess(true);

        assertEquals(0, run("token", "create", "ci"), console.err());

        JsonNode token = cf.serviceTokens(site.accountId()).get(0);
        assertTrue(console.out().contains("CF-Access-Client-Id: " + token.get("client_id").asText()), console.out());
        assertTrue(console.out().matches("(?s).*CF-Access-Client-Secret: [0-9a-f]{64}\n.*"), console.out());
        JsonNode policy = policyNamed("cmux-gateway service tokens *.example.com");
        assertEquals("non_identity", policy.get("decision").asText());
        assertEquals("[{\"service_token\":{\"token_id\":\"" + token.get("id").asText() + "\"}}]",
                policy.get("include").toString());
        JsonNode app = cf.accessApps(site.accountId()).get(0);
        assertEquals(List.of(policyNamed("cmux-gateway allow *.example.com").get("id").asText(),
                policy.get("id").asText()), app.get("policies").findValuesAsText("id"));
        assertEquals("[{\"type\":\"public\",\"uri\":\"*.example.com\"},{\"type\":\"public\",\"uri\":\"pve.example.com\"}]",
                app.get("destinations").toString(), "the app keeps what setup made");
    }

    @Test
    void aSecondTokenJoinsTheSamePolicyAndSetupAfterwardsChangesNothing() throws Exception {
        setUpWithAccess(false);
        assertEquals(0, run("token", "create", "ci"), console.err());

        assertEquals(0, run("token", "create", "backup"), console.err());

        assertEquals(2, policyNamed("cmux-gateway service tokens *.example.com").get("include").size());
        cf.clearRequests();
        try (CloudflareClient client = TestSites.client(config)) {
            TunnelPlan plan = new TunnelSetup(client, TestSites.spec(config, false), false, Optional.of(new AccessSetup(
                    AccessAllow.parse("@example.com"), dir.resolve("gateway.yaml"), () -> ""))).plan();
            assertTrue(plan.isEmpty(), plan.describeSteps().toString());
        }
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void teardownRemovesTheServiceTokenPolicyWithTheApp() throws Exception {
        setUpWithAccess(false);
        run("token", "create", "ci");

        try (CloudflareClient client = TestSites.client(config)) {
            TunnelTeardown teardown = new TunnelTeardown(client, TestSites.spec(config, false));
            teardown.remove(teardown.plan(), true);
        }

        assertEquals(List.of(), cf.accessApps(site.accountId()));
        assertEquals(List.of(), cf.accessPolicies(site.accountId()));
    }

    @Test
    void aTakenNameExits2BeforeAnythingIsMade() throws Exception {
        setUpWithAccess(false);
        run("token", "create", "ci");
        cf.clearRequests();

        assertEquals(2, run("token", "create", "ci"));

        assertTrue(console.err().contains("A service token named ci exists already"), console.err());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void beforeSetupMadeTheAppItExits1SayingToRunSetup() {
        assertEquals(1, run("token", "create", "ci"));

        assertTrue(console.err().contains("run `tunnel setup --access-allow …` first"), console.err());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void helpDescribesTheCommand() {
        assertEquals(0, run("token", "create", "--help"));

        assertTrue(console.out().contains("shown only this once"), console.out());
    }
}
