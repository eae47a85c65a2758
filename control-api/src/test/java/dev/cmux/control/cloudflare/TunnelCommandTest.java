package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.poll.FakeTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

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
        return TunnelCommand.run(List.of(args), with, TestSites.GATEWAY,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                TestSites.retry(new FakeTime()));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
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
    void anUnknownOptionIsAUsageError() {
        assertEquals(2, run(config, "setup", "--force"));
        assertTrue(err().contains("unknown option '--force'"), err());
        assertTrue(err().contains("usage: tunnel setup"), err());
    }

    @Test
    void setupDryRunPrintsThePlanAndChangesNothing() {
        int code = run(config, "tunnel", "setup", "--dry-run");

        assertEquals(0, code, err());
        assertTrue(out().contains("plan (dry run, nothing changed):"), out());
        assertTrue(out().contains("create tunnel cmux-gateway"), out());
        assertTrue(out().contains("create DNS CNAME *.example.com"), out());
        assertEquals(List.of(), cf.writes());
        assertFalse(Files.exists(dir.resolve("cloudflared")));
    }

    @Test
    void setupTwiceSaysNothingToChangeTheSecondTime() {
        assertEquals(0, run(config, "setup"), err());
        assertTrue(out().contains("applied 5 changes."), out());
        assertTrue(out().contains("systemctl daemon-reload"), out());
        out.reset();

        assertEquals(0, run(config, "setup"), err());
        assertTrue(out().contains("nothing to change"), out());
    }

    @Test
    void setupBlockedByAnARecordExits1AndPrintsTheReason() {
        cf.addDnsRecord(site.zoneId(), "A", "*.example.com", "203.0.113.7", true);

        assertEquals(1, run(config, "setup"));

        assertTrue(out().contains("blocked: *.example.com already has A 203.0.113.7"), out());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void aMissingPermissionExits1WithTheSentenceNamingIt() {
        String token = cf.addUserToken(java.util.Set.of(Permission.ZONE_READ, Permission.DNS_EDIT), site.accountId());

        int code = run(TestSites.config(cf, token, site.accountId(), null, "example.com", dir), "setup");

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
    void teardownWithoutYesExits2AndRemovesNothing() {
        run(config, "setup");
        cf.clearRequests();

        assertEquals(2, run(config, "teardown"));

        assertTrue(err().contains("run `tunnel teardown --yes` to confirm"), err());
        assertEquals(List.of(), cf.writes());
    }

    @Test
    void teardownWithYesRemovesTheTunnel() {
        run(config, "setup");

        assertEquals(0, run(config, "teardown", "--yes"), err());

        assertFalse(cf.tunnels(site.accountId()).get(0).get("deleted_at").isNull());
        assertEquals(List.of(), cf.dnsRecords(site.zoneId()));
    }
}
