package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard origins that may frame sandboxes and call them with CORS (README "Embedding"): cmux's dashboard
 * shows VS Code and noVNC in iframes. Off (no origins) by default.
 *
 * @param origins origins for every sandbox port, e.g. {@code https://cmux.example.com}
 * @param byPort  origins for some ports instead of {@code origins}, first match wins
 */
public record EmbeddingConfig(List<String> origins, List<PortOrigins> byPort) {

    /** {@code origins} for the sandbox ports in {@code ports}. */
    public record PortOrigins(List<PortRange> ports, List<String> origins) {
        public PortOrigins {
            ports = List.copyOf(ports);
            origins = List.copyOf(origins);
        }
    }

    public EmbeddingConfig {
        origins = List.copyOf(origins);
        byPort = List.copyOf(byPort);
    }

    public static EmbeddingConfig disabled() {
        return new EmbeddingConfig(List.of(), List.of());
    }

    public boolean enabled() {
        return !origins.isEmpty() || byPort.stream().anyMatch(p -> !p.origins().isEmpty());
    }

    static EmbeddingConfig read(ConfigSection s) {
        s.allowOnly("origins", "byPort");
        List<PortOrigins> byPort = new ArrayList<>();
        for (ConfigSection entry : s.sectionList("byPort")) {
            entry.allowOnly("ports", "origins");
            if (!entry.has("ports") || !entry.has("origins")) {
                entry.problem("needs both ports and origins");
                continue;
            }
            byPort.add(new PortOrigins(entry.list("ports", PortRange::parse, List.of()),
                    entry.list("origins", EmbeddingConfig::origin, List.of())));
        }
        return new EmbeddingConfig(s.list("origins", EmbeddingConfig::origin, List.of()), byPort);
    }

    /**
     * An origin as browsers send it in {@code Origin}: {@code scheme://host[:port]}, lower case, the default port
     * left out, nothing after it; compared as a string on every request.
     */
    public static String origin(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not an origin like https://cmux.example.com");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + text + "' is not an origin like https://cmux.example.com "
                    + "(http or https, a host, an optional port, no path)");
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http")
                && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
