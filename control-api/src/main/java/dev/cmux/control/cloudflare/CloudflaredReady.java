package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Optional;

/**
 * What this host's cloudflared says on its metrics {@code /ready}: 200 while it holds an edge connection, else 503,
 * with the body {@code {"status":200,"readyConnections":4,"connectorId":"<uuid>"}} (cloudflared
 * {@code metrics/readiness.go}; older versions send no {@code connectorId}). The connector id is the ActiveClient id
 * of {@code /connections}, the one fact that ties a connector to a host.
 *
 * @param answer      the HTTP answer, or why there was none
 * @param connectorId the id cloudflared runs with; empty when it did not answer or did not say
 */
record CloudflaredReady(LocalProbe.Result answer, Optional<String> connectorId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static CloudflaredReady ask(LocalProbe probe, URI readyUrl) {
        LocalProbe.Result answer = probe.get(readyUrl);
        return new CloudflaredReady(answer, answer.answered() ? connectorIdIn(answer.body()) : Optional.empty());
    }

    /** Whether cloudflared holds at least one edge connection. */
    boolean connected() {
        return answer.answered() && answer.status() == 200;
    }

    /** Whether {@code connector} is this cloudflared (ids are UUIDs, compared without regard to case). */
    boolean isThe(TunnelConnector connector) {
        return connectorId.filter(id -> id.equalsIgnoreCase(connector.id())).isPresent();
    }

    private static Optional<String> connectorIdIn(String body) {
        try {
            JsonNode id = JSON.readTree(body).path("connectorId");
            return id.isTextual() && !id.asText().isBlank() ? Optional.of(id.asText()) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
