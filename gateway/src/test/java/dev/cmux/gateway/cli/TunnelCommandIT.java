package dev.cmux.gateway.cli;

import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.control.cloudflare.CloudflareEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cmux-gateway tunnel …} from the shaded jar against the strict Cloudflare emulator. */
class TunnelCommandIT {

    @TempDir
    Path dir;
    private CloudflareEmulator cloudflare;
    private CloudflareEmulator.Site site;

    @BeforeEach
    void start() {
        cloudflare = CloudflareEmulator.start();
        site = cloudflare.seedSite("example.com");
    }

    @AfterEach
    void stop() {
        cloudflare.assertNoViolations();
        cloudflare.close();
    }

    private Map<String, String> env() {
        return Map.of("CF_API_URL", cloudflare.url().toString(), "CF_API_TOKEN", site.token(),
                "CF_ACCOUNT_ID", site.accountId(), "CF_DOMAIN", "example.com",
                "CLOUDFLARED_DIR", dir.resolve("cloudflared").toString(),
                "SYSTEMD_UNIT_DIR", dir.resolve("units").toString());
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        GatewayJar.Finished p = GatewayJar.run(env(), "tunnel", "setup", "--no-access", "--dry-run");
        assertEquals(0, p.exitCode(), p.output());
        assertTrue(p.output().contains("cmux-gateway"), "names the tunnel: " + p.output());
        assertTrue(p.output().contains("*.example.com"), "plans the wildcard DNS record: " + p.output());
        assertTrue(p.output().contains("localhost:8080"), "ingress to the gateway's listen port: " + p.output());
        assertTrue(cloudflare.writes().isEmpty(), "a dry run writes nothing: " + cloudflare.writes());
        assertTrue(Files.notExists(dir.resolve("cloudflared").resolve("token")));
        assertTrue(!p.output().contains(site.token()), "the token never prints");
    }

    @Test
    void setupThenStatusFromTheJar() throws Exception {
        GatewayJar.Finished setup = GatewayJar.run(env(), "tunnel", "setup", "--no-access");
        assertEquals(0, setup.exitCode(), setup.output());
        assertTrue(Files.isRegularFile(dir.resolve("cloudflared").resolve("token")));
        GatewayJar.Finished again = GatewayJar.run(env(), "tunnel", "setup", "--no-access", "--dry-run");
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(cloudflare.writes().size() > 0);
        GatewayJar.Finished status = GatewayJar.run(env(), "tunnel", "status");
        assertTrue(status.output().contains("*.example.com"), status.output());
    }

    @Test
    void withoutATokenItSaysWhichVariablesToSet() throws Exception {
        GatewayJar.Finished p = GatewayJar.run(Map.of(), "tunnel", "setup", "--dry-run");
        assertEquals(2, p.exitCode(), p.output());
        assertTrue(p.output().contains("CF_API_TOKEN"), p.output());
    }
}
