package dev.cmux.control.cloudflare;

import java.util.Locale;

/**
 * The gateway's data-plane listen address ({@code host:port}, {@code [v6]:port}) and the origin URL
 * cloudflared uses to reach it on the same host.
 */
public record GatewayAddress(String host, int port) {

    public static GatewayAddress parse(String hostPort) {
        if (hostPort == null || hostPort.isBlank()) {
            throw new IllegalArgumentException("the gateway listen address is empty; set GATEWAY_LISTEN, e.g. 127.0.0.1:8080");
        }
        String s = hostPort.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("the gateway listen address '" + s + "' has no port; expected host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("write IPv6 listen addresses in brackets, e.g. [::1]:8080, not '" + s + "'");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the gateway listen port in '" + s + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the gateway listen port in '" + s + "' is outside 1-65535");
        }
        return new GatewayAddress(host.isEmpty() ? "0.0.0.0" : host.toLowerCase(Locale.ROOT), port);
    }

    /** cloudflared runs on the gateway's host, so loopback and wildcard binds are reached as localhost. */
    public String originUrl() {
        return "http://" + (isLocal() ? "localhost" : bracketed(host)) + ":" + port;
    }

    /** Where a local probe connects: a wildcard bind answers on loopback too. */
    public String probeHost() {
        return switch (host) {
            case "0.0.0.0", "localhost" -> "127.0.0.1";
            case "::", "::0" -> "::1";
            default -> host;
        };
    }

    public String hostPort() {
        return bracketed(host) + ":" + port;
    }

    private boolean isLocal() {
        return host.equals("localhost") || host.equals("0.0.0.0") || host.equals("::") || host.equals("::0")
                || host.equals("::1") || host.startsWith("127.");
    }

    private static String bracketed(String h) {
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
