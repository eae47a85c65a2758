package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One running cloudflared process ({@code /connections}); each holds up to four edge connections. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TunnelConnector(String id, String version, List<Connection> conns) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Connection(String id, @JsonProperty("colo_name") String coloName) {
    }

    int connectionCount() {
        return conns == null ? 0 : conns.size();
    }
}
