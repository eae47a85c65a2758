package dev.cmux.gateway.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cmux.gateway.config.AccessConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Cloudflare Access at the origin (cloudflare.md §5): a request passes with a JWT whose RS256 signature verifies
 * with the team key named by its {@code kid}, whose {@code iss} is the team, whose {@code aud} contains the
 * application's tag, and whose {@code exp}/{@code nbf} hold within the clock skew. The header is taken only from
 * trusted proxies (cloudflared); the cookie from anyone, as its signature is what counts. Verified tokens are
 * remembered until they expire, so a page's hundred requests cost one signature check.
 */
public final class AccessGate {

    static final String HEADER = "cf-access-jwt-assertion";
    static final String COOKIE = "CF_Authorization";
    private static final CompletableFuture<Void> ALLOWED = CompletableFuture.completedFuture(null);

    private final AccessConfig config;
    private final TeamKeys keys;
    private final Clock clock;
    private final Cache<String, Long> verified = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    AccessGate(AccessConfig config, TeamKeys keys, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.clock = clock;
    }

    /** {@code null} when Access is not configured. */
    public static AccessGate create(AccessConfig config) {
        return config.enabled() ? new AccessGate(config, new TeamKeys(config.certsUrl(), Duration.ofSeconds(30)),
                Clock.systemUTC()) : null;
    }

    /**
     * Completes normally when the request may pass, exceptionally with {@link AccessDenied} when not. Never blocks:
     * a key fetch, when needed, is asynchronous.
     */
    public CompletableFuture<Void> admit(HttpHeaders headers, boolean fromTrustedProxy, String host, int sandboxPort) {
        if (config.bypasses(host, sandboxPort)) {
            return ALLOWED;
        }
        String token = fromTrustedProxy ? headers.get(HEADER) : null;
        if (token == null) {
            token = cookie(headers);
        }
        if (token == null) {
            return CompletableFuture.failedFuture(new AccessDenied("This sandbox is protected by Cloudflare Access; "
                    + "open it through " + config.teamName() + ".cloudflareaccess.com sign-in."));
        }
        long now = clock.millis() / 1000;
        Long exp = verified.getIfPresent(token);
        if (exp != null && now <= exp + config.clockSkew().toSeconds()) {
            return ALLOWED;
        }
        AccessToken parsed;
        try {
            parsed = AccessToken.parse(token);
            checkClaims(parsed.claims(), now);
        } catch (AccessDenied e) {
            return CompletableFuture.failedFuture(e);
        }
        String remembered = token;
        return keys.key(parsed.kid()).thenAccept(key -> {
            parsed.verifySignature(key);
            verified.put(remembered, parsed.claims().path("exp").asLong());
        });
    }

    private void checkClaims(JsonNode claims, long now) {
        if (!config.issuer().equals(claims.path("iss").asText())) {
            throw new AccessDenied("The Access token was issued for another team.");
        }
        if (!audienceContains(claims.path("aud"))) {
            throw new AccessDenied("The Access token is for another application.");
        }
        long skew = config.clockSkew().toSeconds();
        if (!claims.path("exp").canConvertToLong() || now > claims.path("exp").asLong() + skew) {
            throw new AccessDenied("The Access token has expired; sign in again.");
        }
        if (claims.has("nbf") && now + skew < claims.path("nbf").asLong()) {
            throw new AccessDenied("The Access token is not valid yet.");
        }
    }

    private boolean audienceContains(JsonNode aud) {
        if (aud.isTextual()) {
            return config.aud().equals(aud.asText());
        }
        for (JsonNode a : aud) {
            if (config.aud().equals(a.asText())) {
                return true;
            }
        }
        return false;
    }

    private static String cookie(HttpHeaders headers) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (COOKIE.equals(c.name())) {
                    return c.value();
                }
            }
        }
        return null;
    }
}
