package dev.cmux.gateway.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/** Parsers for the value types of the config file; each throws {@link IllegalArgumentException} with one sentence. */
final class Values {

    private Values() {
    }

    /** {@code 300ms}, {@code 5s}, {@code 30m}, {@code 1h}, {@code 7d}. A bare number is refused: which unit? */
    static Duration duration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int unitStart = 0;
        while (unitStart < s.length() && Character.isDigit(s.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0 || unitStart > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 300ms, 5s, 30m or 1h");
        }
        long n = Long.parseLong(s.substring(0, unitStart));
        return switch (s.substring(unitStart)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("'" + text + "' is not a duration like 300ms, 5s, 30m or 1h");
        };
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code localhost:8080}; port 0 picks a free port. */
    static InetSocketAddress listenAddress(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port, e.g. 127.0.0.1:8080");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, e.g. [::1]:8080");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a port outside 0-65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The public domain: lower case, no dots at either end; {@code null} or blank means none. */
    static String domain(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String d = text.trim().toLowerCase(Locale.ROOT);
        while (d.startsWith(".")) {
            d = d.substring(1);
        }
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || !d.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException("'" + text + "' is not a domain name like example.com");
        }
        return d;
    }
}
