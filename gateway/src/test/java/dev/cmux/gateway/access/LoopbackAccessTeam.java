package dev.cmux.gateway.access;

import com.sun.net.httpserver.HttpServer;
import dev.cmux.gateway.config.AccessConfig;
import dev.cmux.gateway.config.PortRange;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Cloudflare Access team on loopback: its certs endpoint, a real HTTP server that counts fetches and can be told
 * to fail or to hold its answer, and the RSA keys it publishes, which sign tokens shaped like Cloudflare's.
 */
public final class LoopbackAccessTeam implements AutoCloseable {

    public static final String AUD = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228";
    public static final String ISSUER = "https://myteam.cloudflareaccess.com";

    private record Key(String kid, KeyPair pair) {
    }

    private final List<Key> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final HttpServer server;
    private volatile int status = 200;
    private volatile CountDownLatch held = new CountDownLatch(0);

    private LoopbackAccessTeam() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/cdn-cgi/access/certs", exchange -> {
            fetches.incrementAndGet();
            try {
                held.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = (status == 200 ? jwksJson() : "{\"error\":\"down\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** A team publishing a key for each of {@code kids}. */
    public static LoopbackAccessTeam start(String... kids) throws Exception {
        LoopbackAccessTeam team = new LoopbackAccessTeam();
        for (String kid : kids) {
            team.publish(kid);
        }
        return team;
    }

    public URI certsUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cdn-cgi/access/certs");
    }

    /** Access for this team and {@link #AUD}, 60 s of clock skew. */
    public AccessConfig config(List<PortRange> bypassPorts) {
        return new AccessConfig("myteam", AUD, certsUrl(), ISSUER, Duration.ofSeconds(60), List.of(), bypassPorts);
    }

    /** A new key, published from the next fetch on (a rotation). */
    public void publish(String kid) throws GeneralSecurityException {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        published.add(new Key(kid, rsa.generateKeyPair()));
    }

    public int fetches() {
        return fetches.get();
    }

    /** The certs endpoint answers {@code status} from now on (200: the keys). */
    public void answer(int status) {
        this.status = status;
    }

    /** Fetches wait until {@link #release()}. */
    public void hold() {
        held = new CountDownLatch(1);
    }

    public void release() {
        held.countDown();
    }

    /** Claims as Cloudflare writes them ({@code aud} an array), times in seconds relative to {@code now}. */
    public static String claims(String aud, String iss, long now, long expIn, long nbfIn) {
        return "{\"aud\":[\"" + aud + "\"],\"email\":\"user@example.com\",\"exp\":" + (now + expIn) + ",\"iat\":" + now
                + ",\"nbf\":" + (now + nbfIn) + ",\"iss\":\"" + iss + "\",\"type\":\"app\",\"sub\":\"7335d417\"}";
    }

    /**
     * A service token's claims as the docs show them (cloudflare.md §10.5): {@code common_name} is the client id,
     * {@code sub} is empty, and there is no {@code email} and no {@code nbf}.
     */
    public static String serviceTokenClaims(String aud, String iss, long now, long expIn, String clientId) {
        return "{\"aud\":[\"" + aud + "\"],\"common_name\":\"" + clientId + "\",\"exp\":" + (now + expIn)
                + ",\"iat\":" + now + ",\"iss\":\"" + iss + "\",\"type\":\"app\",\"sub\":\"\"}";
    }

    /** RS256 with the key {@code kid}; an unpublished (forged) kid is signed with the first key. */
    public String token(String kid, String claims) throws GeneralSecurityException {
        return sign("RS256", "SHA256withRSA", kid, keyPair(kid), claims);
    }

    public static String sign(String alg, String jcaAlg, String kid, KeyPair pair, String claims)
            throws GeneralSecurityException {
        String signed = b64("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}") + "." + b64(claims);
        Signature signature = Signature.getInstance(jcaAlg);
        signature.initSign(pair.getPrivate());
        signature.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    }

    /** The key pair published as {@code kid}; for a kid not published, the first key's. */
    public KeyPair keyPair(String kid) {
        return published.stream().filter(k -> k.kid().equals(kid)).map(Key::pair).findFirst()
                .orElse(published.get(0).pair());
    }

    public static String b64(String json) {
        return b64(json.getBytes(StandardCharsets.UTF_8));
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
        return b64(bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
