package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A DNS record as Cloudflare returns it; names are fully qualified. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DnsRecord(String id, String type, String name, String content, boolean proxied, Integer ttl,
                        String comment) {

    boolean isAddress() {
        return "A".equals(type) || "AAAA".equals(type);
    }

    boolean isCname() {
        return "CNAME".equals(type);
    }

    /** A proxied CNAME to {@code target}: the only shape that routes a hostname into a tunnel. */
    boolean routesTo(String target) {
        return isCname() && proxied && content != null && content.equalsIgnoreCase(target);
    }
}
