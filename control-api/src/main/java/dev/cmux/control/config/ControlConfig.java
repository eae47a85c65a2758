package dev.cmux.control.config;

import java.net.InetSocketAddress;

/**
 * The control API listener.
 *
 * @param listen where the control API listens (loopback by default: it can create root shells)
 * @param token  the bearer token clients must present; {@code null} when unset
 */
public record ControlConfig(InetSocketAddress listen, String token) {

    public static final int DEFAULT_PORT = 8081;

    public static ControlConfig defaults() {
        return new ControlConfig(InetSocketAddress.createUnresolved("127.0.0.1", DEFAULT_PORT), null);
    }

    public boolean hasToken() {
        return token != null && !token.isEmpty();
    }

    @Override
    public String toString() {
        return "ControlConfig[listen=" + listen + ", token=" + Secrets.redact(token) + "]";
    }
}
