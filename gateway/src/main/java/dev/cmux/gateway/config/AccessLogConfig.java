package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

/** @param enabled one JSON line per request on standard output */
public record AccessLogConfig(boolean enabled) {

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(true);
    }

    static AccessLogConfig read(ConfigSection s) {
        s.allowOnly("enabled");
        return new AccessLogConfig(s.value("enabled", ConfigValues::bool, defaults().enabled()));
    }
}
