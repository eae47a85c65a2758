package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

import java.time.Duration;

/**
 * Keep-alive connections to backends, kept per event loop and backend address.
 *
 * @param idleTimeout        closed after this long unused: below the backend's own keep-alive (Node: 5 s)
 * @param maxIdlePerBackend  idle connections kept per backend per event loop
 */
public record PoolConfig(Duration idleTimeout, int maxIdlePerBackend) {

    public static PoolConfig defaults() {
        // at least the peak of concurrent requests per event loop, or connections churn (bench/results); the idle
        // timeout closes what is not used, so a high cap costs nothing when quiet
        return new PoolConfig(Duration.ofSeconds(4), 256);
    }

    static PoolConfig read(ConfigSection s) {
        s.allowOnly("idleTimeout", "maxIdlePerBackend");
        PoolConfig d = defaults();
        return new PoolConfig(s.value("idleTimeout", ConfigValues::duration, d.idleTimeout()),
                s.value("maxIdlePerBackend", ConfigValues::nonNegativeInt, d.maxIdlePerBackend()));
    }
}
