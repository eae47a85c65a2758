package dev.cmux.gateway.access;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetSourceWrapper;

import java.util.logging.Logger;

/**
 * The bottom of nimbus's JWKS chain, around the team's certs URL: remembers the key set the URL answered last and
 * when it was asked for, so that an event loop can use keys without entering nimbus's cache, which may fetch on the
 * caller's thread. Below nimbus's rate limit, so its warnings come at most twice in 30 s.
 */
final class LastFetch extends JWKSetSourceWrapper<KeyLookup> {

    private static final Logger LOG = Logger.getLogger("cmux-gateway");

    private record Fetched(JWKSet keys, long atMillis) {
    }

    private volatile Fetched last;

    LastFetch(JWKSetSource<KeyLookup> certs) {
        super(certs);
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long currentTime, KeyLookup lookup)
            throws KeySourceException {
        try {
            JWKSet keys = getSource().getJWKSet(refresh, currentTime, lookup);
            last = new Fetched(keys, currentTime);
            return keys;
        } catch (KeySourceException e) {
            LOG.warning("Cloudflare Access: the team's keys could not be fetched: " + e.getMessage());
            throw e;
        }
    }

    /** The keys of the last fetch if it was asked for at {@code sinceMillis} or later, else {@code null}. */
    JWKSet since(long sinceMillis) {
        Fetched fetched = last;
        return fetched != null && fetched.atMillis() >= sinceMillis ? fetched.keys() : null;
    }
}
