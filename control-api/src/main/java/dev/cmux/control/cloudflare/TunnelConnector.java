package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One running cloudflared process, an ActiveClient of {@code /connections}; each holds up to four edge connections.
 * Cloudflare does not say on which host it runs: only the host's own cloudflared knows its id ({@code /ready}).
 *
 * @param runAt when the process started (RFC 3339, {@code run_at})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TunnelConnector(String id, String version, String arch, @JsonProperty("run_at") String runAt,
                              List<Connection> conns) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Connection(String id, @JsonProperty("colo_name") String coloName,
                             @JsonProperty("is_pending_reconnect") boolean pendingReconnect) {
    }

    int connectionCount() {
        return conns == null ? 0 : conns.size();
    }

    /**
     * {@code cloudflared 2026.8.2 linux_amd64 since 2026-12-07T06:58:00Z, 4 edge connections (fra08, ams01, …)}; a
     * connection the edge waits to see again is marked {@code (reconnecting)}.
     */
    String describe() {
        int count = connectionCount();
        String colos = count == 0 ? "" : conns.stream()
                .map(c -> c.coloName() + (c.pendingReconnect() ? " (reconnecting)" : ""))
                .collect(Collectors.joining(", ", " (", ")"));
        return "cloudflared " + version + " " + arch + " since " + since() + ", " + count + " edge connection"
                + (count == 1 ? "" : "s") + colos;
    }

    /** {@code run_at} to the second, as Cloudflare sends it when it is no instant. */
    private String since() {
        if (runAt == null) {
            return "an unknown time";
        }
        try {
            return Instant.parse(runAt).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return runAt;
        }
    }
}
