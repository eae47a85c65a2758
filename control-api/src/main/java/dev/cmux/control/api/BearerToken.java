package dev.cmux.control.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The control API's bearer token, compared in constant time so its length and prefix cannot be probed. */
final class BearerToken {

    private static final String PREFIX = "Bearer ";

    private final byte[] expected;

    BearerToken(String token) {
        this.expected = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    boolean required() {
        return expected != null && expected.length > 0;
    }

    /** True when {@code authorization} is {@code Bearer <token>} with the configured token. */
    boolean accepts(String authorization) {
        if (!required()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] presented = authorization.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, presented);
    }
}
