package dev.cmux.gateway.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cmux.gateway.config.AccessConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

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
    private static final Logger LOG = Logger.getLogger("cmux-gateway");
    private static final CompletableFuture<Void> ALLOWED = CompletableFuture.completedFuture(null);

    private final AccessConfig config;
    private final AccessClaims claims;
    private final TokenVerifier tokens;
    private final ThreadPoolExecutor keyThread;
    private final Cache<String, Date> verified = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    private AccessGate(AccessConfig config, Clock clock, ThreadPoolExecutor keyThread) {
        this.config = config;
        this.claims = new AccessClaims(config, clock);
        this.tokens = new TokenVerifier(claims, new TeamKeys(config.certsUrl(), keyThread, clock));
        this.keyThread = keyThread;
    }

    /** {@code null} when Access is not configured. */
    public static AccessGate create(AccessConfig config) {
        return config.enabled() ? create(config, Clock.systemUTC()) : null;
    }

    static AccessGate create(AccessConfig config, Clock clock) {
        // one thread for all that may fetch keys; it ends when idle, so a gate left behind by a restart holds nothing
        ThreadPoolExecutor keyThread = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("access-keys", true));
        keyThread.allowCoreThreadTimeOut(true);
        return new AccessGate(config, clock, keyThread);
    }

    /**
     * Completes normally when the request may pass, exceptionally with {@link AccessDenied} when not. Never blocks:
     * with the key at hand it answers at once, else the key thread fetches it and completes the future.
     */
    public CompletableFuture<Void> admit(HttpHeaders headers, boolean fromTrustedProxy, String host, int sandboxPort) {
        if (config.bypasses(host, sandboxPort)) {
            return ALLOWED;
        }
        String token = token(headers, fromTrustedProxy);
        if (token == null) {
            return CompletableFuture.failedFuture(new AccessDenied("This sandbox is protected by Cloudflare Access; "
                    + "open it through " + config.teamName() + ".cloudflareaccess.com sign-in."));
        }
        Date exp = verified.getIfPresent(token);
        if (exp != null && !claims.expired(exp)) {
            return ALLOWED;
        }
        try {
            SignedJWT jws = tokens.parse(token);
            Optional<JWTClaimsSet> checked = tokens.verify(jws, KeyLookup.AT_HAND);
            if (checked.isPresent()) {
                remember(token, checked.get());
                return ALLOWED;
            }
            return CompletableFuture.runAsync(
                    () -> remember(token, tokens.verify(jws, KeyLookup.MAY_FETCH).orElseThrow()), keyThread);
        } catch (AccessDenied e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Once per token, not per request: who passed (the access log has no identity; tokens are remembered). Logged
     * from the key thread, as writing a line may block and this may run on an event loop.
     */
    private void remember(String token, JWTClaimsSet claims) {
        verified.put(token, claims.getExpirationTime());
        AccessIdentity who = AccessIdentity.of(claims);
        keyThread.execute(() -> LOG.info("Access admitted " + who));
    }

    private static String token(HttpHeaders headers, boolean fromTrustedProxy) {
        String header = fromTrustedProxy ? headers.get(HEADER) : null;
        return header != null ? header : cookie(headers);
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
