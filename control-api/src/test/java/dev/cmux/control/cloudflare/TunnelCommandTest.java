package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmux.control.cli.ConsoleCapture;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.poll.FakeTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelCommandTest {

    @TempDir
    Path dir;
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;
    CloudflareConfig config;
    final ConsoleCapture console = new ConsoleCapture();

    @BeforeEach
    void start() {
        cf = CloudflareEmulator.start();
        site = cf.seedSite("example.com");
        config = TestSites.config(cf, site, "example.com", dir);
    }

    @AfterEach
    void stop() {
        cf.close();
        cf.assertNoViolations();
    }

    private int run(CloudflareConfig with, String... args) {
        return run(new TunnelCommand.Settings(with, TestSites.GATEWAY, null, () -> "no gateway", TestSites.CONTROL,
                TestSites.NODE), args);
    }

    private int run(TunnelCommand.Settings settings, String... args) {
        return console.run(TunnelCommand.commandLine(() -> settings, TestSites.retry(new FakeTime())), args);
    }

    private String out() {
        return console.out();
    }

    private String err() {
        return console.err();
    }

    @Test
    void withoutCfApiTokenTheCommandExits2NamingTheEnvironmentVariables() {
        int code = run(CloudflareConfig.defaults(), "setup");

        assertEquals(2, code);
        assertTrue(err().startsWith("Cloudflare is not configured: set CF_API_TOKEN"), err());
        assertTrue(err().contains("CF_DOMAIN"));
        assertEquals(List.of(), cf.requests());
    }

    @Test
    void withoutADomainTheCommandExits2NamingCfDomain() {
        int code = run(TestSites.config(cf, site, null, dir), "status");

        assertEquals(2, code);
        assertTrue(err().contains("set CF_DOMAIN (or PVE_PUBLIC_DOMAIN)"), err());
    }

    @Test
    void anUnknownOptionIsAUsageErrorInOneLine() {
        assertEquals(2, run(config, "setup", "--force"));
        assertEquals("tunnel setup: unknown option '--force' (see 'tunnel setup --help')\n", err());
        assertEquals(List.of(), cf.requests());
    }

    @Test
    void aMistypedCommandIsAUsageErrorThatSuggestsTheRightOne() {
        assertEquals(2, run(config, "stauts"));
        assertTrue(err().startsWith("tunnel: unknown command 'stauts'; did you mean 'status'?"), err());
        assertEquals(2, run(config));
        assertTrue(err().contains("missing required subcommand"), err());
    }

    @Test
    void aReadyUrlThatIsNotHttpIsAUsageError() {
        assertEquals(2, run(config, "status", "--ready-url", "ftp://127.0.0.1/ready"));
        assertTrue(err().contains("'ftp://127.0.0.1/ready' is not an http URL"), err());
        assertEquals(List.of(), cf.requests());
    }

    @Test
    void setupDryRunPrintsThePlanAndChangesNothing() {
        int code = run(config, "setup", "--no-access", "--dry-run");

        assertEquals(0, code, err());
        assertTrue(out().contains("plan (dry run, nothing changed):"), out());
        assertTrue(out().contains("create tunnel cmux-gateway"), out());
        assertTrue(out().contains("create DNS CNAME *.example.com"), out());
        assertEquals(List.of(), cf.writes());
        assertFalse(Files.exists(dir.resolve("cloudflared")));
    }

    @Test
    void setupTwiceSaysNothingToChangeTheSecondTime() {
        assertEquals(0, run(config, "setup", "--no-access"), err());
        assertTrue(out().contains("applied 5 changes."), out());
        assertTrue(out().contains("systemctl daemon-reload"), out());

        assertEquals(0, run(config, "setup", "--no-access"), err());
        assertTrue(out().contains("nothing to change"), out());
    }

    @Test
    void setupBlockedByAnARecordExits1AndPrintsTheReason() {
        cf.addDnsRecord(site.zoneId(), "A", "*.example.com", "203.0.113.7", true);

        assertEquals(1, run(config, "setup", "--no-access"));

        assertTrue(out().contains("blocked: *.example.com already has A 203.0.113.7"), out());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void aMissingPermissionExits1WithTheSentenceNamingIt() {
        String token = cf.addUserToken(java.util.Set.of(Permission.ZONE_READ, Permission.DNS_EDIT), site.accountId());

        int code = run(TestSites.config(cf, token, site.accountId(), null, "example.com", dir), "setup", "--no-access");

        assertEquals(1, code);
        assertTrue(err().contains("Account · Cloudflare Tunnel · Edit"), err());
        assertFalse(err().contains(token), "the token never appears in output");
        assertFalse(out().contains(token));
    }

    @Test
    void statusExits1WhenSomethingIsWrongAndPrintsOneLinePerCheck() {
        int code = run(config, "status", "--ready-url", "http://127.0.0.1:" + LocalHttpServer.closedPort() + "/ready");

        assertEquals(1, code);
        assertTrue(out().contains("ok       API token: active"), out());
        assertTrue(out().contains("problem  tunnel: cmux-gateway does not exist"), out());
    }

    @Test
    void statusPrintsALinePerConnectorAndNamesThisNodeOnItsOwn() {
        run(config, "setup", "--no-access");
        String local = "1bedc50d-42b3-473c-b108-ff3d10c0d925";
        String tunnelId = cf.tunnels(site.accountId()).get(0).get("id").asText();
        cf.addConnector(tunnelId, CloudflareEmulator.Connector.of("6f1a9c2e-0b7d-4c55-9a0e-3d2f8e4b7c10"));
        cf.addConnector(tunnelId, CloudflareEmulator.Connector.of(local));
        try (LocalHttpServer cloudflared = new LocalHttpServer(200,
                "{\"status\":200,\"readyConnections\":4,\"connectorId\":\"" + local + "\"}")) {
            run(config, "status", "--ready-url", "http://127.0.0.1:" + cloudflared.port() + "/ready");
        }

        assertTrue(out().contains("ok       connector 6f1a9c2e-0b7d-4c55-9a0e-3d2f8e4b7c10: cloudflared 2026.8.2 "), out());
        assertTrue(out().contains("ok       connector " + local + ": this node's (" + TestSites.NODE + "): cloudflared "),
                out());
    }

    @Test
    void teardownWithoutYesExits2AndRemovesNothing() {
        run(config, "setup", "--no-access");
        cf.clearRequests();

        assertEquals(2, run(config, "teardown"));

        assertTrue(err().contains("run `tunnel teardown --yes` to confirm"), err());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void teardownWithYesRemovesTheTunnel() {
        run(config, "setup", "--no-access");

        assertEquals(0, run(config, "teardown", "--yes"), err());

        assertFalse(cf.tunnels(site.accountId()).get(0).get("deleted_at").isNull());
        assertEquals(List.of(), cf.dnsRecords(site.zoneId()));
    }

    @Test
    void setupWithoutAnAccessChoiceExits2NamingBothFlagsAndAsksNothing() {
        assertEquals(2, run(config, "setup"));

        assertTrue(err().contains("--access-allow") && err().contains("--no-access"), err());
        assertEquals(1, err().strip().lines().count(), "one sentence: " + err());
        assertEquals(List.of(), cf.requests());
    }

    @Test
    void accessAllowWithoutAConfigFileExits2SayingWhereTheSettingsWouldGo() {
        assertUsageErrorBeforeAnyWrite("--config FILE", "setup", "--access-allow", "@example.com");
    }

    @Test
    void aMalformedAllowListExits2NamingTheEntry() {
        assertUsageErrorBeforeAnyWrite("'bob' is neither an email", "setup", "--access-allow", "alice@example.com,bob");
    }

    @Test
    void publishingTheControlApiWithoutAccessExits2() {
        assertUsageErrorBeforeAnyWrite("--publish-control-api needs --access-allow", "setup", "--no-access",
                "--publish-control-api");
    }

    private void assertUsageErrorBeforeAnyWrite(String said, String... args) {
        assertEquals(2, run(config, args));
        assertTrue(err().contains(said), err());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void aDryRunWithAccessShowsTheAccessStepsAndChangesNothing() throws Exception {
        cf.enableAccess(site.accountId(), "myteam");
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "listen: 127.0.0.1:8080\n");

        int code = run(new TunnelCommand.Settings(config, TestSites.GATEWAY, file, () -> "reloaded",
                TestSites.CONTROL, TestSites.NODE), "setup", "--access-allow", "@example.com", "--dry-run");

        assertEquals(0, code, err());
        assertTrue(out().contains("create Access policy \"cmux-gateway allow *.example.com\": allow @example.com"),
                out());
        assertTrue(out().contains("create Access application *.example.com"), out());
        assertTrue(out().contains("set access.teamName: myteam and access.aud: <the application's AUD tag> in " + file),
                out());
        assertTrue(out().contains("reload the gateway"), out());
        assertEquals(List.of(), cf.writes());
        assertEquals("listen: 127.0.0.1:8080\n", Files.readString(file));
    }
}
