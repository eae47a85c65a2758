package dev.cmux.gateway.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.text.ParseException;
import java.util.Optional;

/**
 * One Access token, checked by nimbus: a JWS whose header says RS256 (never {@code none}, an HMAC or another RSA
 * hash), whose claims pass {@link AccessClaims}, and whose signature verifies with the team key its {@code kid}
 * names. Every refusal is an {@link AccessDenied} a visitor may read.
 */
final class TokenVerifier {

    private final AccessClaims claims;
    private final DefaultJWTProcessor<KeyLookup> processor = new DefaultJWTProcessor<>();

    TokenVerifier(AccessClaims claims, TeamKeys keys) {
        this.claims = claims;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The token as a JWS signed with RS256 whose claims hold, its signature not checked yet: the claims come first so
     * that an expired or foreign token costs no key lookup, and is told what is wrong with it.
     */
    SignedJWT parse(String token) {
        try {
            if (!(JWTParser.parse(token) instanceof SignedJWT jws)
                    || !JWSAlgorithm.RS256.equals(jws.getHeader().getAlgorithm())) {
                throw new AccessDenied("The Access token is not signed with RS256.");
            }
            claims.verify(jws.getJWTClaimsSet(), null);
            return jws;
        } catch (ParseException e) {
            throw new AccessDenied("The Access token is not a JWT.");
        } catch (BadJWTException e) {
            throw new AccessDenied(e.getMessage());
        }
    }

    /**
     * The token's claims once its signature (and again its claims) verified; empty when {@code lookup} is
     * {@link KeyLookup#AT_HAND} and the key is not. No {@code email} is required: service tokens carry
     * {@code common_name} instead, and no {@code nbf} (cloudflare.md §10.5).
     */
    Optional<JWTClaimsSet> verify(SignedJWT token, KeyLookup lookup) {
        try {
            return Optional.of(processor.process(token, lookup));
        } catch (TeamKeys.NotAtHand e) {
            return Optional.empty();
        } catch (KeySourceException e) {
            throw new AccessDenied("The Access team's keys could not be fetched; try again in a minute.");
        } catch (BadJWTException e) {
            throw new AccessDenied(e.getMessage());
        } catch (BadJWSException | JOSEException e) {
            throw new AccessDenied("The Access token's signature is not valid.");
        } catch (BadJOSEException e) {
            throw new AccessDenied("The Access token was signed with a key the team does not publish.");
        }
    }
}
