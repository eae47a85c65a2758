package dev.cmux.control.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The control API's bearer token, compared in constant time so its length and prefix cannot be probed. */
public final class BearerToken {

    private static final String PREFIX = "Bearer ";

    private final byte[] expected;

    public BearerToken(String token) {
        this.expected = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean required() {
        return expected != null && expected.length > 0;
    }

    /** True when {@code authorization} is {@code Bearer <token>} with the configured token. */
    public boolean accepts(String authorization) {
        if (!required()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        return matches(authorization.substring(PREFIX.length()).trim());
    }

    /** True when {@code presented} is the configured token itself (the operator page's sign-in form sends it). */
    public boolean matches(String presented) {
        return required() && presented != null
                && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }
}
