package dev.cmux.control.cloudflare;

import java.nio.file.Path;

/** The token file cloudflared reads with {@code --token-file}; it trims the trailing newline. */
final class TokenFile {

    private TokenFile() {
    }

    static String content(String token) {
        return token.trim() + "\n";
    }

    /** True when the file holds this token with mode 0600 (constant-time comparison). */
    static boolean holds(Path file, String token) {
        return AtomicFiles.holds(file, content(token), AtomicFiles.OWNER_ONLY);
    }
}
