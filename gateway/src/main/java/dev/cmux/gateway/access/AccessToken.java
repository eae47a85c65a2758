package dev.cmux.gateway.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/** A Cloudflare Access JWT split into its parts; {@link #verifySignature} checks RS256 over {@code header.payload}. */
record AccessToken(String kid, JsonNode claims, byte[] signedPart, byte[] signature) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a compact JWS; only {@code alg: RS256} is accepted (never {@code none}, never an HMAC). */
    static AccessToken parse(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || token.length() > 16 * 1024) {
            throw new AccessDenied("The Access token is not a JWT.");
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            JsonNode header = JSON.readTree(b64.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                throw new AccessDenied("The Access token is not signed with RS256.");
            }
            if (!header.path("kid").isTextual()) {
                throw new AccessDenied("The Access token names no signing key.");
            }
            JsonNode claims = JSON.readTree(b64.decode(parts[1]));
            if (!claims.isObject()) {
                throw new AccessDenied("The Access token has no claims.");
            }
            byte[] signedPart = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            return new AccessToken(header.path("kid").asText(), claims, signedPart, b64.decode(parts[2]));
        } catch (AccessDenied e) {
            throw e;
        } catch (Exception e) {
            throw new AccessDenied("The Access token is not a JWT.");
        }
    }

    void verifySignature(RSAPublicKey key) {
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key);
            rs256.update(signedPart);
            if (!rs256.verify(signature)) {
                throw new AccessDenied("The Access token's signature is not valid.");
            }
        } catch (GeneralSecurityException e) {
            throw new AccessDenied("The Access token's signature is not valid.");
        }
    }
}
