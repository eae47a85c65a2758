package dev.cmux.gateway.access;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The Access team's signing keys (cloudflare.md §5), kept by nimbus: fetched from the team's certs URL, cached five
 * minutes and refreshed in the background during the last 30 s of that, fetched again when a token names a kid the
 * cache lacks (keys rotate every six weeks) but never more than twice in 30 s whatever the kids, and kept while the
 * URL cannot be reached. Nimbus fetches on the thread that asks, so a lookup {@link KeyLookup#AT_HAND} (an event
 * loop) reads only what the last fetch brought while it is younger than the refresh-ahead point, and otherwise
 * throws {@link NotAtHand} for the caller to ask again {@link KeyLookup#MAY_FETCH} on the key thread.
 */
final class TeamKeys implements JWKSource<KeyLookup> {

    private static final Duration TIME_TO_LIVE = Duration.ofMinutes(5);
    private static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);
    private static final Duration TWO_FETCHES_PER = Duration.ofSeconds(30);
    private static final int HTTP_TIMEOUT_MILLIS = 5_000;

    /** The keys a token names are not at hand; ask again {@link KeyLookup#MAY_FETCH}, off the event loop. */
    static final class NotAtHand extends KeySourceException {

        NotAtHand() {
            super("the team's keys are not at hand");
        }
    }

    private final LastFetch lastFetch;
    private final JWKSetSource<KeyLookup> cache;
    private final Clock clock;

    /** {@code keyThread} runs nimbus's refreshes ahead of expiry. */
    TeamKeys(URI certsUrl, ExecutorService keyThread, Clock clock) {
        try {
            lastFetch = new LastFetch(new URLBasedJWKSetSource<>(certsUrl.toURL(), new DefaultResourceRetriever(
                    HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT)));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("access.certsUrl is not a URL: " + certsUrl, e);
        }
        JWKSource<KeyLookup> built = JWKSourceBuilder.create(lastFetch)
                .cache(TIME_TO_LIVE.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .refreshAheadCache(REFRESH_AHEAD.toMillis(), null, keyThread, false, null, false)
                .rateLimited(TWO_FETCHES_PER.toMillis())
                .outageTolerantForever()
                .build();
        // the builder's JWKSource reads the wall clock; its JWK set source takes the time from the caller
        this.cache = ((JWKSetBasedJWKSource<KeyLookup>) built).getJWKSetSource();
        this.clock = clock;
    }

    @Override
    public List<JWK> get(JWKSelector selector, KeyLookup lookup) throws KeySourceException {
        long now = clock.millis();
        if (lookup == KeyLookup.AT_HAND) {
            return atHand(selector, now);
        }
        JWKSet cached = cache.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, lookup);
        List<JWK> keys = selector.select(cached);
        if (!keys.isEmpty()) {
            return keys;
        }
        try {
            return selector.select(cache.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now,
                    lookup));
        } catch (RateLimitReachedException e) {
            return List.of(); // two fetches in the last 30 s already: a kid they did not bring is refused for now
        }
    }

    private List<JWK> atHand(JWKSelector selector, long now) throws NotAtHand {
        JWKSet recent = lastFetch.since(now - TIME_TO_LIVE.minus(REFRESH_AHEAD).toMillis());
        List<JWK> keys = recent == null ? List.of() : selector.select(recent);
        if (keys.isEmpty()) {
            throw new NotAtHand();
        }
        return keys;
    }
}
