package dev.cmux.gateway.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * An exact-host route such as {@code pve.example.com -> https://127.0.0.1:8006}.
 * An https upstream is verified against {@code tlsCaFile} or a pinned {@code tlsFingerprint} (SHA-256 of the
 * leaf certificate), or not at all when {@code tlsInsecure} is set explicitly: there is no silent trust-all.
 *
 * @param upstream       {@code http://host:port} or {@code https://host:port}; no path
 */
public record UpstreamRoute(URI upstream, Path tlsCaFile, String tlsFingerprint, boolean tlsInsecure) {

    public static UpstreamRoute http(String hostPort) {
        return new UpstreamRoute(URI.create("http://" + hostPort), null, null, false);
    }

    public boolean https() {
        return "https".equals(upstream.getScheme());
    }

    public String host() {
        String h = upstream.getHost();
        // URI keeps the brackets of an IPv6 literal
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    public int port() {
        int p = upstream.getPort();
        return p > 0 ? p : https() ? 443 : 80;
    }
}
