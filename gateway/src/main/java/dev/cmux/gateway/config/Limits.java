package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

/**
 * @param maxRequestLine           longest request line accepted (414 beyond)
 * @param maxHeaderSize            all request headers together (431 beyond)
 * @param maxConnections           client connections open at once (503 beyond)
 * @param maxConnectionsPerClient  requests and upgraded connections open at once per client IP (429 beyond)
 */
public record Limits(int maxRequestLine, int maxHeaderSize, int maxConnections, int maxConnectionsPerClient) {

    public static Limits defaults() {
        return new Limits(16 * 1024, 32 * 1024, 50_000, 256);
    }

    static Limits read(ConfigSection s) {
        s.allowOnly("maxRequestLine", "maxHeaderSize", "maxConnections", "maxConnectionsPerClient");
        Limits d = defaults();
        return new Limits(s.value("maxRequestLine", ConfigValues::positiveInt, d.maxRequestLine()),
                s.value("maxHeaderSize", ConfigValues::positiveInt, d.maxHeaderSize()),
                s.value("maxConnections", ConfigValues::positiveInt, d.maxConnections()),
                s.value("maxConnectionsPerClient", ConfigValues::positiveInt, d.maxConnectionsPerClient()));
    }
}
