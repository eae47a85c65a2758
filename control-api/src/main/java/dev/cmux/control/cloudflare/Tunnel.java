package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A Cloudflare Tunnel ({@code cfd_tunnel}); deleted tunnels keep their record with {@code deleted_at} set. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Tunnel(String id, String name, String status,
                     @JsonProperty("config_src") String configSrc,
                     @JsonProperty("created_at") String createdAt,
                     @JsonProperty("deleted_at") String deletedAt) {

    /** The CNAME target that sends a hostname into this tunnel. */
    public String cnameTarget() {
        return id + ".cfargotunnel.com";
    }

    public boolean deleted() {
        return deletedAt != null;
    }
}
