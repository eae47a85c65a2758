package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks each request the emulator receives against the Cloudflare OpenAPI subsets (the 2024-08-01
 * tunnel/DNS snapshot and the 2024-08-06 Access snapshot in {@code shared/reference}): the operation must exist,
 * path and query parameters must be declared and valid, no undeclared query parameter may appear, and the JSON
 * body must match.
 *
 * <p>Documented additions of the live API that the snapshots lack: {@code GET /accounts/{account_id}/tokens/verify}
 * and {@code cascade} on tunnel DELETE (cloudflare.md §1, §2); the list filters of Access apps, policies and
 * service tokens and the {@code destinations} of a self-hosted app (cloudflare-go v6, cloudflare.md §10.3, §10.10).
 */
final class OpenApiRequestValidator {

    static final String SPEC_FILE = "cloudflare-openapi-subset-2024-08-01.json";
    static final String ACCESS_SPEC_FILE = "cloudflare-openapi-access-subset.json";
    static final String NO_OPERATION = "no such operation in the Cloudflare API spec";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaValidator schemas;
    private final List<Operation> operations = new ArrayList<>();

    private record Operation(String method, String template, Pattern pattern, List<String> names, JsonNode op,
                             JsonNode pathParameters) {
    }

    private OpenApiRequestValidator(JsonNode spec) {
        this.schemas = new SchemaValidator(spec);
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!op.getKey().equals("parameters")) {
                    add(op.getKey(), path.getKey(), op.getValue(), path.getValue().path("parameters"));
                }
            }
        }
        addLiveApiAdditions();
    }

    /**
     * Loads both specs from {@code ../../shared/reference} (the module directory is the working directory) into one:
     * their paths and schema names do not overlap ({@code access_…} against {@code tunnel_…}, {@code dns-records_…}).
     */
    static OpenApiRequestValidator load() {
        ObjectNode spec = read("cmux.cloudflare.openapi", SPEC_FILE);
        ObjectNode access = read("cmux.cloudflare.openapi.access", ACCESS_SPEC_FILE);
        ((ObjectNode) spec.get("paths")).setAll((ObjectNode) access.get("paths"));
        ((ObjectNode) spec.get("components").get("schemas")).setAll((ObjectNode) access.get("components").get("schemas"));
        return new OpenApiRequestValidator(spec);
    }

    private static ObjectNode read(String property, String name) {
        String override = System.getProperty(property);
        Path file = override != null ? Path.of(override) : Path.of("..", "..", "shared", "reference", name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The Cloudflare OpenAPI subset is missing at " + file.toAbsolutePath()
                    + ": the emulator validates every request against it; restore shared/reference/" + name
                    + " or set -D" + property + "=<file>.");
        }
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Violations of one request; empty when it is one the real API documents and accepts. */
    List<String> validate(String method, String path, Map<String, List<String>> query, String contentType,
                          String body) {
        String where = method + " " + path;
        for (Operation operation : operations) {
            Matcher m = operation.pattern.matcher(path);
            if (!operation.method.equalsIgnoreCase(method) || !m.matches()) {
                continue;
            }
            List<String> out = new ArrayList<>();
            List<JsonNode> parameters = new ArrayList<>();
            operation.pathParameters.forEach(parameters::add);
            operation.op.path("parameters").forEach(parameters::add);
            for (int i = 0; i < operation.names.size(); i++) {
                JsonNode p = parameter(parameters, "path", operation.names.get(i));
                if (p == null) {
                    out.add(where + ": path parameter " + operation.names.get(i) + " is not declared");
                } else {
                    out.addAll(schemas.validate(p.get("schema"), coerce(p.get("schema"), m.group(i + 1)),
                            where + " path " + operation.names.get(i)));
                }
            }
            checkQuery(where, parameters, query, out);
            checkBody(where, operation.op.path("requestBody"), contentType, body, out);
            return out;
        }
        return List.of(where + ": " + NO_OPERATION);
    }

    private void checkQuery(String where, List<JsonNode> parameters, Map<String, List<String>> query,
                            List<String> out) {
        for (Map.Entry<String, List<String>> q : query.entrySet()) {
            JsonNode p = parameter(parameters, "query", q.getKey());
            if (p == null) {
                out.add(where + ": query parameter '" + q.getKey() + "' is not in the spec");
                continue;
            }
            if (q.getValue().size() > 1) {
                out.add(where + ": query parameter '" + q.getKey() + "' is repeated");
            }
            for (String v : q.getValue()) {
                out.addAll(schemas.validate(p.get("schema"), coerce(p.get("schema"), v), where + " query " + q.getKey()));
            }
        }
        for (JsonNode p : parameters) {
            if (p.path("in").asText().equals("query") && p.path("required").asBoolean(false)
                    && !query.containsKey(p.get("name").asText())) {
                out.add(where + ": required query parameter '" + p.get("name").asText() + "' is missing");
            }
        }
    }

    private void checkBody(String where, JsonNode requestBody, String contentType, String body, List<String> out) {
        boolean hasBody = body != null && !body.isEmpty();
        if (requestBody.isMissingNode()) {
            if (hasBody) {
                out.add(where + ": sends a body the operation does not take");
            }
            return;
        }
        if (!hasBody) {
            if (requestBody.path("required").asBoolean(false)) {
                out.add(where + ": the request body is required");
            }
            return;
        }
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            out.add(where + ": Content-Type must be application/json, was " + contentType);
            return;
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            out.add(where + ": body is not JSON");
            return;
        }
        JsonNode schema = requestBody.path("content").path("application/json").path("schema");
        if (!schema.isMissingNode()) {
            out.addAll(schemas.validate(schema, parsed, where + " body"));
        }
    }

    private JsonNode coerce(JsonNode rawSchema, String value) {
        JsonNode schema = schemas.resolve(rawSchema);
        String type = schema.path("type").asText("string");
        JsonNodeFactory f = JsonNodeFactory.instance;
        try {
            return switch (type) {
                case "number" -> f.numberNode(Double.parseDouble(value));
                case "integer" -> f.numberNode(Long.parseLong(value));
                case "boolean" -> value.equals("true") || value.equals("false")
                        ? f.booleanNode(Boolean.parseBoolean(value)) : f.textNode(value);
                default -> f.textNode(value);
            };
        } catch (NumberFormatException e) {
            return f.textNode(value);  // then fails the type check with a clear message
        }
    }

    private static JsonNode parameter(List<JsonNode> parameters, String in, String name) {
        for (JsonNode p : parameters) {
            if (p.path("in").asText().equals(in) && p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private void add(String method, String template, JsonNode op, JsonNode pathParameters) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        operations.add(new Operation(method, template, Pattern.compile(regex.toString()), names, op, pathParameters));
    }

    private void addLiveApiAdditions() {
        ObjectNode verify = JSON.createObjectNode();
        verify.putArray("parameters").addObject()
                .put("in", "path").put("name", "account_id").put("required", true)
                .putObject("schema").put("$ref", "#/components/schemas/tunnel_account_id");
        add("get", "/accounts/{account_id}/tokens/verify", verify, JSON.createArrayNode());
        query("delete", "/accounts/{account_id}/cfd_tunnel/{tunnel_id}", "cascade", "boolean");
        // cloudflare-go v6 AccessApplicationListParams, AccessPolicyListParams, AccessServiceTokenListParams
        String apps = "/accounts/{account_id}/access/apps";
        for (String name : List.of("name", "domain", "aud", "search")) {
            query("get", apps, name, "string");
        }
        query("get", apps, "exact", "boolean");
        query("get", "/accounts/{account_id}/access/service_tokens", "name", "string");
        for (String list : List.of(apps, "/accounts/{account_id}/access/policies",
                "/accounts/{account_id}/access/service_tokens")) {
            query("get", list, "page", "integer");
            query("get", list, "per_page", "integer");
        }
        // the Bookmark branch of access_app_request accepts almost anything (spec quirk, cloudflare.md §10.10), so a
        // self-hosted body is held to its own props plus destinations, which replaced self_hosted_domains (§10.3)
        ObjectNode selfHosted = JSON.createObjectNode();
        ArrayNode parts = selfHosted.put("type", "object").putArray("allOf");
        parts.addObject().put("$ref", "#/components/schemas/access_self_hosted_props");
        parts.addObject().put("$ref", "#/components/schemas/access_app_req_embedded_policies");
        ObjectNode destination = parts.addObject().put("type", "object").putObject("properties")
                .putObject("destinations").put("type", "array").putObject("items").put("type", "object");
        destination.putArray("required").add("uri");
        ObjectNode props = destination.putObject("properties");
        props.putObject("type").put("type", "string").putArray("enum").add("public").add("private");
        props.putObject("uri").put("type", "string");
        for (Operation o : operations) {
            boolean write = o.method.equals("post") && o.template.equals(apps)
                    || o.method.equals("put") && o.template.equals(apps + "/{app_id}");
            if (write) {
                ((ObjectNode) o.op.get("requestBody").get("content").get("application/json"))
                        .set("schema", selfHosted);
            }
        }
    }

    private void query(String method, String template, String name, String type) {
        for (Operation o : operations) {
            if (o.method.equals(method) && o.template.equals(template)) {
                ((ObjectNode) o.op).withArray("parameters").addObject()
                        .put("in", "query").put("name", name)
                        .putObject("schema").put("type", type);
            }
        }
    }
}
