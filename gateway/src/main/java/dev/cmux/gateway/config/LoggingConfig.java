package dev.cmux.gateway.config;

import java.util.Map;

/**
 * @param level  the root level: error, warn, info, debug or trace
 * @param levels levels by logger name prefix (a package), e.g. {@code dev.cmux.gateway.exchange: debug}
 */
public record LoggingConfig(String level, Map<String, String> levels) {

    public LoggingConfig {
        levels = Map.copyOf(levels);
    }

    public static LoggingConfig defaults() {
        return new LoggingConfig("info", Map.of());
    }
}
