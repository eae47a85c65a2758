package dev.cmux.control.config;

/** Keeps secrets out of logs and {@code toString()}: records print this instead of the value. */
public final class Secrets {

    private Secrets() {
    }

    public static String redact(String secret) {
        return secret == null || secret.isEmpty() ? "<unset>" : "<redacted>";
    }
}
