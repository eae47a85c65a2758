package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

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

    /** One entry of {@code routing.hosts}; null when it cannot be used (the problems are recorded). */
    static UpstreamRoute read(ConfigSection h) {
        h.allowOnly("upstream", "tlsFingerprint", "tlsCaFile", "tlsInsecure");
        URI uri = h.value("upstream", UpstreamRoute::upstreamUri, null);
        if (uri == null) {
            if (!h.has("upstream")) {
                h.problem("upstream", "missing: an http:// or https:// address such as https://127.0.0.1:8006");
            }
            return null;
        }
        String fingerprint = h.value("tlsFingerprint", ConfigValues::fingerprint, null);
        Path caFile = h.value("tlsCaFile", Path::of, null);
        boolean insecure = h.value("tlsInsecure", ConfigValues::bool, false);
        if (!"https".equals(uri.getScheme()) && (fingerprint != null || caFile != null || insecure)) {
            h.problem("upstream", "TLS settings given for a plain http:// upstream");
        }
        if ((fingerprint != null ? 1 : 0) + (caFile != null ? 1 : 0) + (insecure ? 1 : 0) > 1) {
            h.problem("tlsInsecure", "choose one of tlsFingerprint, tlsCaFile and tlsInsecure");
        }
        return new UpstreamRoute(uri, caFile, fingerprint, insecure);
    }

    private static URI upstreamUri(String text) {
        URI uri = ConfigValues.httpUrl(text);
        if (!(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("'" + text + "' must be http://host:port or https://host:port, no path");
        }
        return uri;
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
