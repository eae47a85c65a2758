package dev.cmux.gateway.access;

import com.nimbusds.jwt.JWTClaimsSet;

import java.text.ParseException;

/**
 * Who a verified Access token speaks for: a person's {@code email}, or, for a service token, which carries no email,
 * its {@code common_name}, the client id a program sends as {@code CF-Access-Client-Id} (cloudflare.md §10.5).
 */
record AccessIdentity(String name, boolean serviceToken) {

    static AccessIdentity of(JWTClaimsSet claims) {
        try {
            String email = claims.getStringClaim("email");
            if (email != null && !email.isEmpty()) {
                return new AccessIdentity(email, false);
            }
            String commonName = claims.getStringClaim("common_name");
            return new AccessIdentity(commonName == null || commonName.isEmpty() ? "unknown" : commonName, true);
        } catch (ParseException e) {
            return new AccessIdentity("unknown", false); // a claim of the wrong type names nobody
        }
    }

    @Override
    public String toString() {
        return serviceToken ? "service token " + name : name;
    }
}
