package dev.cmux.control.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway knows about a sandbox beyond PVE's own state. It lives in PVE, in one line of the container's
 * description ({@code cmux-metadata: {...}}), so any gateway, and this one after a restart, reads the same thing.
 *
 * @param owner      who asked for it (free text from the create request), may be null
 * @param created    when the clone was made
 * @param ttl        how long it may live from {@code created}; null: forever
 * @param idlePolicy what the lifecycle does once the TTL has passed: {@code destroy}, {@code stop} or {@code keep}
 * @param idle       auto-stop: what happens after a while without traffic ({@link IdlePolicy}); null: the gateway's
 *                   default
 * @param autoDelete destroy after this long stopped; null: the gateway's default; zero: never
 * @param protect    {@code protected}: nothing automatic (auto-stop, TTL, auto-delete) ever touches it
 * @param stoppedAt  when a gateway stopped or suspended it, or first saw it stopped; null while it runs. What
 *                   auto-delete counts from: PVE keeps no stop time of its own that lasts.
 * @param image      the preset version it was made from ({@code pvelxc_<id>_v<n>}); null: not made from one
 */
public record SandboxMetadata(String owner, Instant created, Duration ttl, String idlePolicy, IdlePolicy idle,
                              Duration autoDelete, boolean protect, Instant stoppedAt, String image) {

    static final String LINE_PREFIX = "cmux-metadata: ";
    private static final String HEADER = "cmux sandbox, managed by cmux-gateway (keep the next line intact)";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String DESTROY = "destroy";
    public static final String STOP = "stop";
    public static final String KEEP = "keep";

    public SandboxMetadata {
        ttl = ttl == null || ttl.isZero() ? null : ttl; // "0s" and "off" both mean no TTL
    }

    public SandboxMetadata(String owner, Instant created, Duration ttl, String idlePolicy, IdlePolicy idle) {
        this(owner, created, ttl, idlePolicy, idle, null, false, null, null);
    }

    public boolean expired(Instant now) {
        return ttl != null && created != null && created.plus(ttl).isBefore(now);
    }

    public SandboxMetadata withStoppedAt(Instant at) {
        return new SandboxMetadata(owner, created, ttl, idlePolicy, idle, autoDelete, protect, at, image);
    }

    /** The container description: a sentence for people reading the PVE UI, then the JSON line. */
    public String toDescription() {
        return HEADER + "\n" + line();
    }

    /**
     * {@code description} with this metadata in place of the old line, every other line (notes a person wrote in
     * the PVE UI) kept.
     */
    public String replaceIn(String description) {
        if (description == null || description.isBlank()) {
            return toDescription();
        }
        List<String> lines = new ArrayList<>();
        boolean replaced = false;
        for (String line : description.split("\n", -1)) {
            if (line.startsWith(LINE_PREFIX)) {
                lines.add(line());
                replaced = true;
            } else {
                lines.add(line);
            }
        }
        if (!replaced) {
            lines.add(HEADER);
            lines.add(line());
        }
        return String.join("\n", lines);
    }

    private String line() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("owner", owner);
        json.put("created", created.toString());
        json.put("ttl", ttl == null ? null : ttl.toString());
        json.put("idlePolicy", idlePolicy);
        if (idle != null) {
            json.put("idle", idle.toJson());
        }
        if (autoDelete != null) {
            json.put("autoDelete", autoDelete.toString());
        }
        if (protect) {
            json.put("protected", true);
        }
        if (stoppedAt != null) {
            json.put("stoppedAt", stoppedAt.toString());
        }
        if (image != null) {
            json.put("image", image);
        }
        try {
            return LINE_PREFIX + JSON.writeValueAsString(json);
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
                        Instant.parse(json.path("created").asText()), duration(json, "ttl"),
                        text(json, "idlePolicy") == null ? DESTROY : text(json, "idlePolicy"),
                        idle(json.get("idle")), duration(json, "autoDelete"), json.path("protected").asBoolean(false),
                        text(json, "stoppedAt") == null ? null : Instant.parse(text(json, "stoppedAt")),
                        text(json, "image")));
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
        return new IdlePolicy(Duration.parse(idle.path("after").asText()), idle.path("action").asText(),
                idle(idle.get("then")));
    }

    private static Duration duration(JsonNode json, String field) {
        String text = text(json, field);
        return text == null ? null : Duration.parse(text);
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
