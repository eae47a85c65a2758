package dev.cmux.control.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway knows about a sandbox beyond PVE's own state. It lives in PVE, in one line of the container's
 * description ({@code cmux-metadata: {...}}), so any gateway, and this one after a restart, reads the same thing.
 *
 * @param owner      who asked for it (free text from the create request), may be null
 * @param created    when the clone was made
 * @param ttl        how long it may live; null: forever
 * @param idlePolicy what the TTL reaper does once the TTL has passed: {@code destroy}, {@code stop} or {@code keep}
 * @param idle       what happens after a while without traffic ({@link IdlePolicy}); null: the gateway's default
 */
public record SandboxMetadata(String owner, Instant created, Duration ttl, String idlePolicy, IdlePolicy idle) {

    static final String LINE_PREFIX = "cmux-metadata: ";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String DESTROY = "destroy";
    public static final String STOP = "stop";
    public static final String KEEP = "keep";

    public boolean expired(Instant now) {
        return ttl != null && created != null && created.plus(ttl).isBefore(now);
    }

    /** The container description: a sentence for people reading the PVE UI, then the JSON line. */
    public String toDescription() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("owner", owner);
        json.put("created", created.toString());
        json.put("ttl", ttl == null ? null : ttl.toString());
        json.put("idlePolicy", idlePolicy);
        if (idle != null) {
            Map<String, Object> idleJson = new LinkedHashMap<>();
            idleJson.put("after", idle.after().toString());
            idleJson.put("action", idle.action());
            json.put("idle", idleJson);
        }
        try {
            return "cmux sandbox, managed by cmux-gateway (keep the next line intact)\n"
                    + LINE_PREFIX + JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The metadata in a description, if it holds a readable {@code cmux-metadata:} line. */
    public static Optional<SandboxMetadata> fromDescription(String description) {
        if (description == null) {
            return Optional.empty();
        }
        for (String line : description.split("\n")) {
            if (!line.startsWith(LINE_PREFIX)) {
                continue;
            }
            try {
                JsonNode json = JSON.readTree(line.substring(LINE_PREFIX.length()));
                return Optional.of(new SandboxMetadata(text(json, "owner"),
                        Instant.parse(json.path("created").asText()),
                        text(json, "ttl") == null ? null : Duration.parse(text(json, "ttl")),
                        text(json, "idlePolicy") == null ? DESTROY : text(json, "idlePolicy"),
                        idle(json.get("idle"))));
            } catch (JsonProcessingException | DateTimeParseException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static IdlePolicy idle(JsonNode idle) {
        if (idle == null || idle.isNull()) {
            return null;
        }
        return new IdlePolicy(Duration.parse(idle.path("after").asText()), idle.path("action").asText());
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
