package dev.cmux.gateway.security;

import dev.cmux.gateway.access.LoopbackAccessTeam;
import dev.cmux.gateway.config.AccessConfig;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.PortRange;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;

import static dev.cmux.gateway.access.LoopbackAccessTeam.AUD;
import static dev.cmux.gateway.access.LoopbackAccessTeam.ISSUER;
import static dev.cmux.gateway.access.LoopbackAccessTeam.b64;
import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cloudflare Access JWTs checked at the origin, with a real RSA key pair and the team's JWKS served on loopback.
 */
class CloudflareAccessTest {

    private static final int VMID = 280;

    private LoopbackAccessTeam team;
    private MiniHttpServer backend;
    private GatewayUnderTest gateway;

    @BeforeEach
    void start() throws Exception {
        team = LoopbackAccessTeam.start("k1");
        backend = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: 2");
            out.write("ok".getBytes(StandardCharsets.US_ASCII));
            return true;
        });
        AccessConfig access = team.config(List.of(PortRange.parse("5173")));
        gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder().access(access).build(), VMID);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        backend.close();
        team.close();
    }

    @Test
    void aValidTokenFromCloudflaredPasses() throws Exception {
        assertEquals(200, get("Cf-Access-Jwt-Assertion: " + token("k1", claims(AUD, ISSUER, 300, 0))).status());
    }

    @Test
    void theCookieWorksAsWellAsTheHeader() throws Exception {
        assertEquals(200, get("Cookie: theme=dark; CF_Authorization=" + token("k1", claims(AUD, ISSUER, 300, 0)))
                .status());
    }

    @Test
    void withoutATokenTheVisitorIsTurnedAway() throws Exception {
        RawHttp.Reply r = get("Accept: text/html");
        assertEquals(403, r.status());
        assertEquals("access-denied", r.header("X-Gateway-Error"));
        assertTrue(r.text().contains("Cloudflare Access"), r.text());
        assertEquals(0, backend.requests().size());
    }

    @Test
    void expiredNotYetValidForeignAndTamperedTokensAreRefused() throws Exception {
        assertDenied(token("k1", claims(AUD, ISSUER, -600, 0)), "expired");
        assertDenied(token("k1", claims(AUD, ISSUER, 900, 600)), "not valid yet");
        assertDenied(token("k1", claims("0".repeat(64), ISSUER, 300, 0)), "another application");
        assertDenied(token("k1", claims(AUD, "https://evil.cloudflareaccess.com", 300, 0)), "another team");
        String good = token("k1", claims(AUD, ISSUER, 300, 0));
        String[] parts = good.split("\\.");
        String forgedPayload = b64(claims(AUD, ISSUER, 99_999, 0).replace("user@example.com", "admin@x"));
        assertDenied(parts[0] + "." + forgedPayload + "." + parts[2], "signature");
        String twoEmails = b64(claims(AUD, ISSUER, 300, 0).replace("}", ",\"email\":\"admin@x\"}"));
        assertDenied(parts[0] + "." + twoEmails + "." + parts[2], "not a JWT");
        assertDenied(b64("{\"alg\":\"none\",\"kid\":\"k1\"}") + "." + parts[1] + ".", "RS256");
        assertDenied(b64("{\"alg\":\"HS256\",\"kid\":\"k1\"}") + "." + parts[1] + "." + parts[2], "RS256");
        assertDenied("not-a-jwt", "not a JWT");
        KeyPair stranger = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertDenied(LoopbackAccessTeam.sign("RS256", "SHA256withRSA", "k1", stranger, claims(AUD, ISSUER, 300, 0)),
                "signature");
        assertEquals(0, backend.requests().size());
    }

    @Test
    void aRotatedKeyIsFetchedOnceAndForgedKidsDoNotHammerTheTeam() throws Exception {
        assertEquals(200, get(header(token("k1", claims(AUD, ISSUER, 300, 0)))).status());
        int fetches = team.fetches();
        team.publish("k2");
        assertEquals(200, get(header(token("k2", claims(AUD, ISSUER, 300, 0)))).status(), "the new key is fetched");
        assertEquals(fetches + 1, team.fetches());
        for (int i = 0; i < 20; i++) {
            assertEquals(403, get(header(token("forged-" + i, claims(AUD, ISSUER, 300, 0)))).status());
        }
        assertEquals(fetches + 1, team.fetches(), "two fetches in 30 s at most, the first and the rotation's");
    }

    @Test
    void theHeaderFromAPeerThatIsNotCloudflaredIsIgnored() throws Exception {
        gateway.close();
        AccessConfig access = team.config(List.of());
        gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder().access(access)
                .trustedProxies(List.of(Cidr.parse("10.0.0.0/8"))).build(), VMID);
        String valid = token("k1", claims(AUD, ISSUER, 300, 0));
        assertEquals(403, get(header(valid)).status());
        assertEquals(200, get("Cookie: CF_Authorization=" + valid).status());
    }

    @Test
    void aBypassedPortNeedsNoToken() throws Exception {
        RawHttp.Reply r = RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(5173, VMID)
                + "\r\nConnection: close\r\n\r\n", 10_000);
        assertTrue(r.status() != 403, "port 5173 is bypassed: " + r.text());
    }

    private void assertDenied(String token, String why) throws Exception {
        RawHttp.Reply r = get(header(token));
        assertEquals(403, r.status(), why + ": " + r.text());
        assertTrue(r.text().contains(why), "expected the reason '" + why + "': " + r.text());
    }

    private RawHttp.Reply get(String extraHeader) throws Exception {
        return RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(backend.port(), VMID) + "\r\n"
                + extraHeader + "\r\nConnection: close\r\n\r\n", 10_000);
    }

    private static String header(String token) {
        return "Cf-Access-Jwt-Assertion: " + token;
    }

    private static String claims(String aud, String iss, long expIn, long nbfIn) {
        return LoopbackAccessTeam.claims(aud, iss, System.currentTimeMillis() / 1000, expIn, nbfIn);
    }

    private String token(String kid, String claims) throws Exception {
        return team.token(kid, claims);
    }
}
