package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control API's OpenAPI document ({@code openapi.json} of the jar), as the contract test reads it: its operations
 * ({@code METHOD /template}) and what an answer of one may be. An answer is held against the response the document
 * gives for its status: a status it does not list, a media type it does not list, or a body its schema does not allow
 * (with {@code format} asserted) is a violation, described in one line.
 */
final class OpenApiDocument {

    private static final String IRI = "https://cmux-gateway.invalid/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What the server answers a request no route takes: 404, 405, or first 401 under {@code /v1/}; and 403 to a
     * state-changing request from a page of another origin, refused before any route.
     */
    private static final Set<Integer> UNROUTED = Set.of(401, 403, 404, 405);
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private final JsonNode root;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    /** Templates, the fewest parameters first: {@code /v1/sandboxes/{vmid}/exec} before {@code …/{action}}. */
    private final List<String> templates;

    private OpenApiDocument(String text) throws IOException {
        this.root = JSON.readTree(text);
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(), builder -> builder
                .schemas(Map.of(IRI, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        List<String> paths = new ArrayList<>();
        root.path("paths").fieldNames().forEachRemaining(paths::add);
        paths.sort(Comparator.comparingLong((String p) -> p.chars().filter(c -> c == '{').count()));
        this.templates = List.copyOf(paths);
    }

    /** The document in the jar, as {@code GET /v1/openapi.json} serves it. */
    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(OpenApiHandler.RESOURCE)) {
            return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OpenApiDocument of(String text) {
        try {
            return new OpenApiDocument(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation as {@code METHOD /template}, e.g. {@code GET /v1/sandboxes/{vmid}}. */
    Set<String> operations() {
        Set<String> ops = new LinkedHashSet<>();
        for (String template : templates) {
            for (String method : METHODS) {
                if (root.path("paths").path(template).has(method)) {
                    ops.add(method.toUpperCase(Locale.ROOT) + " " + template);
                }
            }
        }
        return ops;
    }

    /** The documented operation {@code METHOD /template} that a request to {@code path} is, if any. */
    Optional<String> operation(String method, String path) {
        String[] have = path.substring(1).split("/", -1);
        String m = method.toLowerCase(Locale.ROOT);
        for (String template : templates) {
            if (root.path("paths").path(template).has(m) && matches(template.substring(1).split("/", -1), have)) {
                return Optional.of(method.toUpperCase(Locale.ROOT) + " " + template);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String[] want, String[] have) {
        if (want.length != have.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean param = want[i].startsWith("{") && want[i].endsWith("}");
            if (param ? have[i].isEmpty() : !want[i].equals(have[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * What is wrong with an answer to {@code method path}: nothing (empty), or one line per problem.
     *
     * @param contentType the answer's {@code Content-Type}, or null when it has none
     * @param body        the whole body; for {@code application/x-ndjson} every line is held against the schema
     */
    List<String> violations(String method, String path, int status, String contentType, String body) {
        String what = method + " " + path + " -> " + status;
        Optional<String> op = operation(method, path);
        if (op.isEmpty()) {
            // a path or method the API does not have: the one error shape, and nothing else
            return UNROUTED.contains(status) && "application/json".equals(mediaType(contentType))
                    ? validate(what, "/components/schemas/Error", List.of(body))
                    : List.of(what + ": the document has no such operation");
        }
        String template = op.get().substring(op.get().indexOf(' ') + 1);
        String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
        JsonNode response = root.at(pointer);
        if (response.isMissingNode()) {
            return List.of(what + ": status " + status + " is not documented for " + op.get());
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = root.at(pointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return body.isEmpty() ? List.of() : List.of(what + ": the document gives this answer no body, it had "
                    + body.length() + " characters");
        }
        String mediaType = mediaType(contentType);
        if (!content.has(mediaType)) {
            return List.of(what + ": media type '" + mediaType + "' is not documented (only " + names(content) + ")");
        }
        String schema = pointer + "/content/" + escape(mediaType) + "/schema";
        return switch (mediaType) {
            case "application/json" -> validate(what, schema, List.of(body));
            case "application/x-ndjson" -> validate(what, schema, body.lines().filter(l -> !l.isBlank()).toList());
            default -> List.of(); // text: a page, metrics, a script
        };
    }

    private List<String> validate(String what, String pointer, List<String> documents) {
        Schema schema = schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(IRI + "#" + p)));
        List<String> problems = new ArrayList<>();
        for (String document : documents) {
            try {
                for (Error e : schema.validate(document, InputFormat.JSON)) {
                    problems.add(what + ": " + e + " in " + shorten(document));
                }
            } catch (RuntimeException e) {
                problems.add(what + ": not JSON (" + e.getMessage() + ") in " + shorten(document));
            }
        }
        return problems;
    }

    private static String mediaType(String contentType) {
        return contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String escape(String jsonPointerToken) {
        return jsonPointerToken.replace("~", "~0").replace("/", "~1");
    }

    private static String names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String shorten(String body) {
        return body.length() <= 300 ? body.strip() : body.substring(0, 300) + "…";
    }
}
