package dev.cmux.gateway.config;

/** @param enabled one JSON line per request on standard output */
public record AccessLogConfig(boolean enabled) {

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(true);
    }
}
