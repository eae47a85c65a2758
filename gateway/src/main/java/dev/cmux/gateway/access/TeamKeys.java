package dev.cmux.gateway.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Access team's signing keys by {@code kid}, from its JWKS ({@code keys}, never the possibly stale
 * {@code public_cert}). Fetched without blocking (the JDK client's async API), refetched when a token names an
 * unknown {@code kid} (keys rotate every six weeks); after a refetch that did not know the kid either, no other
 * refetch for {@code minRefetch}, so a stream of forged kids cannot make the gateway hammer Cloudflare.
 * Concurrent misses share one fetch.
 */
final class TeamKeys {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI certsUrl;
    private final Duration minRefetch;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Map<String, RSAPublicKey> keys = Map.of();
    private CompletableFuture<Map<String, RSAPublicKey>> fetching;
    private long lastMissNanos;
    private boolean missedOnce;

    TeamKeys(URI certsUrl, Duration minRefetch) {
        this.certsUrl = certsUrl;
        this.minRefetch = minRefetch;
    }

    /** The key {@code kid}, fetching the JWKS when it is not known yet (and a fetch is allowed). */
    CompletableFuture<RSAPublicKey> key(String kid) {
        RSAPublicKey known = keys.get(kid);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return refetch().thenApply(fresh -> {
            RSAPublicKey key = fresh.get(kid);
            if (key == null) {
                missed();
                throw new AccessDenied("The Access token was signed with a key the team does not publish.");
            }
            return key;
        });
    }

    private synchronized CompletableFuture<Map<String, RSAPublicKey>> refetch() {
        if (fetching != null) {
            return fetching;
        }
        if (missedOnce && System.nanoTime() - lastMissNanos < minRefetch.toNanos()) {
            return CompletableFuture.completedFuture(keys);
        }
        HttpRequest request = HttpRequest.newBuilder(certsUrl).timeout(Duration.ofSeconds(10)).GET().build();
        fetching = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new AccessDenied("The Access team's keys could not be fetched (HTTP "
                                + response.statusCode() + ").");
                    }
                    Map<String, RSAPublicKey> parsed = parse(response.body());
                    keys = parsed;
                    return parsed;
                })
                .whenComplete((k, e) -> {
                    synchronized (this) {
                        fetching = null;
                    }
                });
        return fetching;
    }

    private synchronized void missed() {
        missedOnce = true;
        lastMissNanos = System.nanoTime();
    }

    static Map<String, RSAPublicKey> parse(byte[] jwks) {
        try {
            JsonNode root = JSON.readTree(jwks);
            Map<String, RSAPublicKey> out = new HashMap<>();
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            for (JsonNode k : root.path("keys")) {
                if (!"RSA".equals(k.path("kty").asText()) || !k.hasNonNull("kid")) {
                    continue;
                }
                BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(k.path("n").asText()));
                BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(k.path("e").asText()));
                out.put(k.path("kid").asText(), (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(n, e)));
            }
            return Map.copyOf(out);
        } catch (Exception e) {
            throw new AccessDenied("The Access team's keys could not be read.");
        }
    }
}
