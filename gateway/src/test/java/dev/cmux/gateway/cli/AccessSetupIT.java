package dev.cmux.gateway.cli;

import dev.cmux.control.cloudflare.CloudflareEmulator;
import dev.cmux.gateway.access.LoopbackAccessTeam;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RoutablePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tunnel setup --access-allow} from the shaded jar, against the strict Cloudflare emulator and a running
 * gateway: after setup the gateway refuses a request without an Access JWT and serves one signed by the team for the
 * app's AUD; a second setup writes nothing; a service token's JWT is served; teardown removes the app.
 */
class AccessSetupIT {

    @TempDir
    Path dir;
    private CloudflareEmulator cloudflare;
    private CloudflareEmulator.Site site;
    private LoopbackAccessTeam team;

    @BeforeEach
    void start() throws Exception {
        cloudflare = CloudflareEmulator.start();
        site = cloudflare.seedSite(GatewayJar.DOMAIN);
        cloudflare.enableAccess(site.accountId(), "myteam");
        team = LoopbackAccessTeam.start("k1");
    }

    @AfterEach
    void stop() {
        team.close();
        cloudflare.assertNoViolations();
        cloudflare.close();
    }

    private Map<String, String> env() {
        return Map.of("CF_API_URL", cloudflare.url().toString(), "CF_API_TOKEN", site.token(),
                "CF_ACCOUNT_ID", site.accountId(), "CLOUDFLARED_DIR", dir.resolve("cloudflared").toString(),
                "SYSTEMD_UNIT_DIR", dir.resolve("units").toString());
    }

    @Test
    void setupTurnsTheJwtCheckOnAndTeardownRemovesTheApp() throws Exception {
        byte[] hello = "hello from the sandbox".getBytes(StandardCharsets.UTF_8);
        try (MiniHttpServer web = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + hello.length);
            out.write(hello);
            return true;
        })) {
            int dataPort = RoutablePorts.pick();
            Path config = dir.resolve("gateway.yaml");
            // the team's keys are on loopback here; setup adds teamName and aud below the operator's own lines
            Files.writeString(config, "# the operator's gateway\nlisten: 127.0.0.1:" + dataPort
                    + "\ndomain: sandbox.test\ncontrol: { listen: \"127.0.0.1:" + RoutablePorts.pick() + "\" }\n"
                    + "routing: { suffix: \"\" }\n"
                    + "resolver: { static: { \"200\": 127.0.0.1 }, allowedNetworks: [\"127.0.0.1/32\"] }\n"
                    + "access:\n  certsUrl: " + team.certsUrl() + "   # loopback team for the test\n");
            String request = "GET / HTTP/1.1\r\nHost: port-" + web.port() + "-vm-200.sandbox.test\r\n"
                    + "Connection: close\r\n";
            try (GatewayJar gateway = GatewayJar.start(config, Map.of())) {
                assertEquals(200, RawHttp.send(dataPort, request + "\r\n", 10_000).status(), "Access is off so far");

                GatewayJar.Finished setup = GatewayJar.run(env(), "tunnel", "setup", "--access-allow", "@example.com",
                        "--config", config.toString());

                assertEquals(0, setup.exitCode(), setup.output());
                assertTrue(setup.output().contains("reloaded its config"), setup.output());
                String aud = cloudflare.accessApps(site.accountId()).get(0).get("aud").asText();
                String yaml = Files.readString(config);
                assertTrue(yaml.startsWith("# the operator's gateway\n") && yaml.contains("# loopback team for the test")
                        && yaml.contains("teamName: \"myteam\"") && yaml.contains("aud: \"" + aud + "\""), yaml);
                assertEquals(403, RawHttp.send(dataPort, request + "\r\n", 10_000).status(), "no JWT, no entry");
                long now = System.currentTimeMillis() / 1000;
                String person = team.token("k1", LoopbackAccessTeam.claims(aud, LoopbackAccessTeam.ISSUER, now, 300, 0));
                RawHttp.Reply served = RawHttp.send(dataPort, request + "Cf-Access-Jwt-Assertion: " + person
                        + "\r\n\r\n", 10_000);
                assertEquals(200, served.status());
                String foreign = team.token("k1", LoopbackAccessTeam.claims("0".repeat(64), LoopbackAccessTeam.ISSUER,
                        now, 300, 0));
                assertEquals(403, RawHttp.send(dataPort, request + "Cf-Access-Jwt-Assertion: " + foreign
                        + "\r\n\r\n", 10_000).status(), "a JWT for another application");

                int writes = cloudflare.writes().size();
                GatewayJar.Finished again = GatewayJar.run(env(), "tunnel", "setup", "--access-allow", "@example.com",
                        "--config", config.toString());
                assertEquals(0, again.exitCode(), again.output());
                assertTrue(again.output().contains("nothing to change"), again.output());
                assertEquals(writes, cloudflare.writes().size(), "a second setup writes nothing at Cloudflare");
                assertEquals(yaml, Files.readString(config), "nor in the config");

                GatewayJar.Finished created = GatewayJar.run(env(), "access", "token", "create", "ci",
                        "--config", config.toString());
                assertEquals(0, created.exitCode(), created.output());
                String clientId = header(created.output(), "CF-Access-Client-Id");
                String secret = header(created.output(), "CF-Access-Client-Secret");
                String program = team.token("k1", LoopbackAccessTeam.serviceTokenClaims(aud, LoopbackAccessTeam.ISSUER,
                        now, 300, clientId));
                assertEquals(200, RawHttp.send(dataPort, request + "Cf-Access-Jwt-Assertion: " + program
                        + "\r\n\r\n", 10_000).status(), "a service token's JWT is served");
                List<String> log = gateway.output();
                assertTrue(log.stream().anyMatch(l -> l.contains("Access admitted service token " + clientId)), "who");
                assertFalse(log.stream().anyMatch(l -> l.contains(secret) || l.contains(site.token())),
                        "neither the token's secret nor the API token is logged");
            }

            GatewayJar.Finished teardown = GatewayJar.run(env(), "tunnel", "teardown", "--yes", "--config",
                    config.toString());
            assertEquals(0, teardown.exitCode(), teardown.output());
            assertEquals(List.of(), cloudflare.accessApps(site.accountId()));
            assertEquals(List.of(), cloudflare.accessPolicies(site.accountId()));
        }
    }

    private static String header(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": (\\S+)$").matcher(output);
        assertTrue(m.find(), name + " in " + output);
        return m.group(1);
    }
}
