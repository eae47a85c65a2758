package dev.cmux.gateway.access;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import com.nimbusds.jwt.util.DateUtils;
import dev.cmux.gateway.config.AccessConfig;

import java.time.Clock;
import java.util.Date;

/**
 * The claims an Access token must carry (cloudflare.md §5): {@code iss} is the team, {@code aud} contains the
 * application's tag, {@code exp} and {@code nbf} hold within the configured clock skew, on an injected clock. Each
 * refusal says in words what is wrong, for the visitor.
 */
final class AccessClaims implements JWTClaimsSetVerifier<KeyLookup> {

    private final String issuer;
    private final String aud;
    private final long skewSeconds;
    private final Clock clock;

    AccessClaims(AccessConfig config, Clock clock) {
        this.issuer = config.issuer();
        this.aud = config.aud();
        this.skewSeconds = config.clockSkew().toSeconds();
        this.clock = clock;
    }

    @Override
    public void verify(JWTClaimsSet claims, KeyLookup lookup) throws BadJWTException {
        if (!issuer.equals(claims.getIssuer())) {
            throw new BadJWTException("The Access token was issued for another team.");
        }
        if (!claims.getAudience().contains(aud)) {
            throw new BadJWTException("The Access token is for another application.");
        }
        if (expired(claims.getExpirationTime())) {
            throw new BadJWTException("The Access token has expired; sign in again.");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && !DateUtils.isBefore(nbf, new Date(clock.millis()), skewSeconds)) {
            throw new BadJWTException("The Access token is not valid yet.");
        }
    }

    /** Whether a token that expires at {@code exp} ({@code null}: it does not say) may no longer pass. */
    boolean expired(Date exp) {
        return exp == null || !DateUtils.isAfter(exp, new Date(clock.millis()), skewSeconds);
    }
}
