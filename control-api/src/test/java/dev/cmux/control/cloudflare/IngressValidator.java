package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/**
 * The checks cloudflared (and the edge, on PUT configurations) applies to ingress rules, with its
 * wording (cloudflare.md §2 and §7.5). Returns the first failure.
 */
final class IngressValidator {

    private static final Set<String> SCHEMES = Set.of("http", "https", "unix", "unix+tls", "tcp", "ssh", "rdp",
            "smb", "ws", "wss");
    private static final Set<String> BARE_SERVICES = Set.of("hello_world", "bastion", "socks-proxy");
    private static final Set<String> DURATIONS = Set.of("connectTimeout", "tlsTimeout", "tcpKeepAlive",
            "keepAliveTimeout");

    private IngressValidator() {
    }

    static Optional<String> firstProblem(JsonNode config) {
        JsonNode ingress = config.path("ingress");
        Optional<String> timeouts = durations(config.path("originRequest"));
        if (timeouts.isPresent()) {
            return timeouts;
        }
        for (int i = 0; i < ingress.size(); i++) {
            JsonNode rule = ingress.get(i);
            String hostname = rule.path("hostname").asText("");
            String path = rule.path("path").asText("");
            boolean catchAll = (hostname.isEmpty() || hostname.equals("*")) && path.isEmpty();
            boolean last = i == ingress.size() - 1;
            if (catchAll && !last) {
                return Optional.of("Rule #" + (i + 1) + " is matching all URLs, but it is not the last rule; "
                        + "the rules after it will never be triggered");
            }
            if (last && !catchAll) {
                return Optional.of("The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)");
            }
            if (hostname.lastIndexOf('*') > 0 || (hostname.startsWith("*") && !hostname.equals("*")
                    && !hostname.startsWith("*."))) {
                return Optional.of("Hostname patterns can have at most one wildcard character (\"*\") and it can only "
                        + "be used for subdomains, e.g. \"*.example.com\"");
            }
            if (hostname.contains(":")) {
                return Optional.of("Hostname cannot contain a port");
            }
            Optional<String> service = service(rule.path("service").asText(""));
            if (service.isPresent()) {
                return service;
            }
            Optional<String> ruleTimeouts = durations(rule.path("originRequest"));
            if (ruleTimeouts.isPresent()) {
                return ruleTimeouts;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> service(String service) {
        if (BARE_SERVICES.contains(service)) {
            return Optional.empty();
        }
        if (service.startsWith("http_status:")) {
            try {
                int code = Integer.parseInt(service.substring("http_status:".length()));
                return code >= 100 && code <= 999 ? Optional.empty()
                        : Optional.of("status code must be between 100 and 999");
            } catch (NumberFormatException e) {
                return Optional.of("invalid HTTP status code: " + service);
            }
        }
        try {
            URI uri = new URI(service);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
                return Optional.of(service + " is an invalid address, please make sure it has a scheme and a hostname");
            }
            if (uri.getScheme().startsWith("unix")) {
                return Optional.empty();
            }
            if (uri.getHost() == null) {
                return Optional.of(service + " is an invalid address, please make sure it has a scheme and a hostname");
            }
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
                return Optional.of(service + " is an invalid address, ingress rules don't support proxying to a "
                        + "different path on the origin service. The path will be the same as the eyeball request's path");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(service + " is an invalid address");
        }
    }

    /** Remote config durations are integer seconds; "30s" or 30.0 fail cloudflared's ParseInt. */
    private static Optional<String> durations(JsonNode originRequest) {
        for (String key : DURATIONS) {
            JsonNode v = originRequest.path(key);
            if (!v.isMissingNode() && !v.isIntegralNumber()) {
                return Optional.of("originRequest." + key + " must be an integer number of seconds, got " + v);
            }
        }
        return Optional.empty();
    }
}
