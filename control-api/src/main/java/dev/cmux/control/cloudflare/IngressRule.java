package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/**
 * One rule of a remotely managed tunnel's ingress. {@code originRequest} is kept as a map: we never
 * set it (cloudflared's defaults suit the gateway) but must notice when someone else did.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record IngressRule(String hostname, String service, String path, Map<String, Object> originRequest) {

    public static IngressRule route(String hostname, String service) {
        return new IngressRule(hostname, service, null, null);
    }

    public static IngressRule catchAll(String service) {
        return new IngressRule(null, service, null, null);
    }

    /** Same routing meaning: absent and empty hostname, path and originRequest are equal. */
    boolean sameAs(IngressRule other) {
        return orEmpty(hostname).equals(orEmpty(other.hostname))
                && Objects.equals(service, other.service)
                && orEmpty(path).equals(orEmpty(other.path))
                && orEmptyMap(originRequest).equals(orEmptyMap(other.originRequest));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Map<String, Object> orEmptyMap(Map<String, Object> m) {
        return m == null ? Map.of() : m;
    }

    @Override
    public String toString() {
        return (hostname == null || hostname.isEmpty() ? "(everything else)" : hostname)
                + (path == null || path.isEmpty() ? "" : " path " + path) + " -> " + service;
    }
}
