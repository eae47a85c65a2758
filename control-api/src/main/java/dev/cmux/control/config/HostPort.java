package dev.cmux.control.config;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * {@code host:port} as written in the config and the environment: {@code 127.0.0.1:8080}, {@code [::1]:8080},
 * {@code localhost:8080}. The host is lower case and without brackets. Which ports are allowed depends on the use:
 * a listener may ask for port 0 (the system picks a free one: tests, side-by-side runs), while an address something
 * connects to (a nameserver, the origin cloudflared dials) needs a real port, 1-65535.
 */
public record HostPort(String host, int port) {

    /** An address to listen on: port 0-65535, 0 picks a free port. */
    public static HostPort listenAddress(String text) {
        return parse(text, 0);
    }

    /** An address to connect to: port 1-65535. */
    public static HostPort connectAddress(String text) {
        return parse(text, 1);
    }

    private static HostPort parse(String text, int lowestPort) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' has no port: write host:port, e.g. 127.0.0.1:8080");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, e.g. [::1]:8080");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no host: write e.g. 127.0.0.1:8080, or "
                    + "0.0.0.0:8080 for every interface");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < lowestPort || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a port outside " + lowestPort + "-65535");
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port);
    }

    /** Unresolved: a host name is looked up when it is used (bind or connect), not when the config is read. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code host:port} again, with brackets around an IPv6 address. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
