package dev.cmux.control.config;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * The parsers of config values, for the file and the environment alike; each throws
 * {@link IllegalArgumentException} with one sentence that {@link ConfigSection} puts after the key.
 */
public final class ConfigValues {

    private ConfigValues() {
    }

    /** {@code 300ms}, {@code 5s}, {@code 30m}, {@code 1h}, {@code 7d}. A bare number is refused: which unit? */
    public static Duration duration(String text) {
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

    public static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    public static int positiveInt(String text) {
        int n = nonNegativeInt(text);
        if (n == 0) {
            throw new IllegalArgumentException("must be more than 0");
        }
        return n;
    }

    public static int nonNegativeInt(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + text + "' is not a whole number of 0 or more");
    }

    /** An address to listen on, see {@link HostPort#listenAddress}. */
    public static InetSocketAddress listenAddress(String text) {
        return HostPort.listenAddress(text).unresolved();
    }

    /** An {@code http://} or {@code https://} URL with a host. */
    public static URI httpUrl(String text) {
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not an http:// or https:// URL");
        }
        return uri;
    }

    /** SHA-256 as 64 hex digits, with or without colons (PVE prints {@code AB:CD:…}); upper case without colons. */
    public static String fingerprint(String text) {
        String hex = text.trim().replace(":", "");
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("expected a SHA-256 fingerprint: 64 hex digits, colons allowed");
        }
        return hex.toUpperCase(Locale.ROOT);
    }

    /** The public domain: lower case, no dots at either end; {@code null} when blank (none). */
    public static String domain(String text) {
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

    /** An IPv4 or IPv6 literal; never a DNS lookup. */
    public static InetAddress ipLiteral(String text) {
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(text.trim());
        if (ip == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }

    /** A literal loopback address or {@code localhost}: reachable from this host only. */
    public static boolean isLoopback(InetSocketAddress address) {
        String host = address.getHostString();
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return ipLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
