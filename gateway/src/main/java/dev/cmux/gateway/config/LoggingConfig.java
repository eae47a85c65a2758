package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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

    static LoggingConfig read(ConfigSection s) {
        s.allowOnly("level", "levels");
        return new LoggingConfig(s.value("level", LoggingConfig::level, defaults().level()),
                s.map("levels", Function.identity(), LoggingConfig::level));
    }

    private static String level(String text) {
        String l = text.trim().toLowerCase(Locale.ROOT);
        if (!Set.of("error", "warn", "info", "debug", "trace").contains(l)) {
            throw new IllegalArgumentException("'" + text + "' is not one of error, warn, info, debug, trace");
        }
        return l;
    }
}
