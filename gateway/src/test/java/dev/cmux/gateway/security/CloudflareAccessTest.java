package dev.cmux.gateway.security;

import com.sun.net.httpserver.HttpServer;
import dev.cmux.gateway.config.AccessConfig;
import dev.cmux.gateway.config.PortRange;
import dev.cmux.gateway.proxy.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cloudflare Access JWTs checked at the origin, with a real RSA key pair and the team's JWKS served on loopback.
 */
class CloudflareAccessTest {

    private static final int VMID = 280;
    private static final String AUD = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228";
    private static final String ISSUER = "https://myteam.cloudflareaccess.com";

    private final List<Key> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private HttpServer jwks;
    private MiniHttpServer backend;
    private GatewayUnderTest gateway;

    private record Key(String kid, KeyPair pair) {
    }

    @BeforeEach
    void start() throws Exception {
        published.add(newKey("k1"));
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        jwks.createContext("/cdn-cgi/access/certs", exchange -> {
            jwksFetches.incrementAndGet();
            byte[] body = jwksJson().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        backend = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: 2");
            out.write("ok".getBytes(StandardCharsets.US_ASCII));
            return true;
        });
        URI certs = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/cdn-cgi/access/certs");
        AccessConfig access = new AccessConfig("myteam", AUD, certs, ISSUER, Duration.ofSeconds(60), List.of(),
                List.of(PortRange.parse("5173")));
        gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder().access(access).build(), VMID);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        backend.close();
        jwks.stop(0);
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
        String forgedPayload = b64(claims(AUD, ISSUER, 99_999, 0).replace("}", ",\"email\":\"admin@x\"}"));
        assertDenied(parts[0] + "." + forgedPayload + "." + parts[2], "signature");
        assertDenied(b64("{\"alg\":\"none\",\"kid\":\"k1\"}") + "." + parts[1] + ".", "RS256");
        assertDenied(b64("{\"alg\":\"HS256\",\"kid\":\"k1\"}") + "." + parts[1] + "." + parts[2], "RS256");
        assertDenied("not-a-jwt", "not a JWT");
        KeyPair stranger = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertDenied(sign("k1", stranger, claims(AUD, ISSUER, 300, 0)), "signature");
        assertEquals(0, backend.requests().size());
    }

    @Test
    void aRotatedKeyIsFetchedOnceAndForgedKidsDoNotHammerTheTeam() throws Exception {
        assertEquals(200, get(header(token("k1", claims(AUD, ISSUER, 300, 0)))).status());
        int fetches = jwksFetches.get();
        published.add(newKey("k2"));
        assertEquals(200, get(header(token("k2", claims(AUD, ISSUER, 300, 0)))).status(), "the new key is fetched");
        assertEquals(fetches + 1, jwksFetches.get());
        for (int i = 0; i < 20; i++) {
            assertEquals(403, get(header(token("forged-" + i, claims(AUD, ISSUER, 300, 0)))).status());
        }
        assertEquals(fetches + 2, jwksFetches.get(), "one refetch for the first unknown kid, then none for 30 s");
    }

    @Test
    void theHeaderFromAPeerThatIsNotCloudflaredIsIgnored() throws Exception {
        gateway.close();
        AccessConfig access = new AccessConfig("myteam", AUD, URI.create("http://127.0.0.1:" + jwks.getAddress()
                .getPort() + "/cdn-cgi/access/certs"), ISSUER, Duration.ofSeconds(60), List.of(), List.of());
        gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder().access(access)
                .trustedProxies(List.of(dev.cmux.gateway.config.Cidr.parse("10.0.0.0/8"))).build(), VMID);
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
        long now = System.currentTimeMillis() / 1000;
        return "{\"aud\":[\"" + aud + "\"],\"email\":\"user@example.com\",\"exp\":" + (now + expIn) + ",\"iat\":" + now
                + ",\"nbf\":" + (now + nbfIn) + ",\"iss\":\"" + iss + "\",\"type\":\"app\",\"sub\":\"7335d417\"}";
    }

    private String token(String kid, String claims) throws Exception {
        KeyPair pair = published.stream().filter(k -> k.kid().equals(kid)).map(Key::pair).findFirst()
                .orElse(published.get(0).pair());
        return sign(kid, pair, claims);
    }

    private static String sign(String kid, KeyPair pair, String claims) throws Exception {
        String signed = b64("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}") + "." + b64(claims);
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(pair.getPrivate());
        rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Key newKey(String kid) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        return new Key(kid, rsa.generateKeyPair());
    }

    private String jwksJson() {
        List<String> keys = new ArrayList<>();
        for (Key k : published) {
            RSAPublicKey pub = (RSAPublicKey) k.pair().getPublic();
            keys.add("{\"kid\":\"" + k.kid() + "\",\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"e\":\""
                    + unsigned(pub.getPublicExponent()) + "\",\"n\":\"" + unsigned(pub.getModulus()) + "\"}");
        }
        return "{\"keys\":[" + String.join(",", keys) + "],\"public_cert\":{\"kid\":\"stale\",\"cert\":\"x\"}}";
    }

    private static String unsigned(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
