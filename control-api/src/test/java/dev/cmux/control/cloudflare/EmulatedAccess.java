package dev.cmux.control.cloudflare;

import static dev.cmux.control.cloudflare.EmulatorReply.JSON;
import static dev.cmux.control.cloudflare.EmulatorReply.fail;
import static dev.cmux.control.cloudflare.EmulatorReply.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code /accounts/{account_id}/access/…}: the organization, self-hosted apps, reusable policies and service tokens,
 * with the status codes, error codes and shapes of cloudflare.md §10 (201 on create, 202 on app and policy delete,
 * 9999 without Zero Trust, 11010 for a second app on a domain, 12130 for a domain outside the account's zones,
 * 12135 for an unknown id; the secret shown only on create).
 */
final class EmulatedAccess {

    private static final String NOT_FOUND = "access.api.error.not_found";

    private final EmulatorState state;

    EmulatedAccess(EmulatorState state) {
        this.state = state;
    }

    /** Test hook: the account's Zero Trust organization exists with team domain {@code team.cloudflareaccess.com}. */
    void enable(String accountId, String team) {
        ObjectNode org = JSON.createObjectNode().put("name", team + " Zero Trust")
                .put("auth_domain", team + ".cloudflareaccess.com").put("session_duration", "24h")
                .put("is_ui_read_only", false).put("auto_redirect_to_identity", false)
                .put("created_at", EmulatorState.now()).put("updated_at", EmulatorState.now());
        state.access.put(accountId, new EmulatorState.AccessAccount(org));
    }

    EmulatorReply handle(EmulatorRoutes.Call call) {
        List<String> s = call.segments();
        String accountId = s.get(1);
        if (!state.accounts.containsKey(accountId)) {
            return EmulatorReply.noRoute(call.path());
        }
        String collection = s.size() > 3 ? s.get(3) : "";
        Permission needed = switch (collection) {
            case "organizations" -> Permission.ACCESS_ORGANIZATIONS_READ;
            case "service_tokens" -> Permission.ACCESS_SERVICE_TOKENS_EDIT;
            default -> Permission.ACCESS_APPS_EDIT;
        };
        if (!call.grant().may(needed, accountId)) {
            return fail(403, 10000, "Authentication error");
        }
        EmulatorState.AccessAccount access = state.access.get(accountId);
        if (access == null) {
            return fail(403, 9999, "access.api.error.not_enabled: Access is not enabled. Visit the Access dashboard at"
                    + " https://one.dash.cloudflare.com/ and click the 'Enable Access' button.");
        }
        String id = s.size() > 4 ? s.get(4) : null;
        return switch (collection + " " + call.method() + (id == null ? "" : " one")) {
            case "organizations GET" -> ok(access.organization);
            case "apps GET" -> listApps(call, access);
            case "apps POST" -> saveApp(call, accountId, access, null);
            case "apps GET one" -> access.apps.containsKey(id) ? ok(expanded(access, access.apps.get(id)))
                    : fail(404, 12135, NOT_FOUND);
            case "apps PUT one" -> access.apps.containsKey(id) ? saveApp(call, accountId, access, access.apps.get(id))
                    : fail(404, 12135, NOT_FOUND);
            case "apps DELETE one" -> access.apps.remove(id) != null
                    ? ok(JSON.createObjectNode().put("id", id)).withStatus(202) : fail(404, 12135, NOT_FOUND);
            case "policies GET" -> page(call, access.policies.values().stream().map(p -> withCount(access, p)).toList());
            case "policies POST" -> savePolicy(call, access, null);
            case "policies GET one" -> access.policies.containsKey(id) ? ok(withCount(access, access.policies.get(id)))
                    : fail(404, 12135, NOT_FOUND);
            case "policies PUT one" -> access.policies.containsKey(id)
                    ? savePolicy(call, access, access.policies.get(id)) : fail(404, 12135, NOT_FOUND);
            case "policies DELETE one" -> deletePolicy(access, id);
            case "service_tokens GET" -> listTokens(call, access);
            case "service_tokens POST" -> createToken(call, access);
            case "service_tokens GET one" -> access.serviceTokens.containsKey(id) ? ok(access.serviceTokens.get(id))
                    : fail(404, 12135, NOT_FOUND);
            case "service_tokens DELETE one" -> access.serviceTokens.containsKey(id)
                    ? ok(access.serviceTokens.remove(id)) : fail(404, 12135, NOT_FOUND);
            default -> EmulatorReply.noRoute(call.path());
        };
    }

    // ---- apps ---------------------------------------------------------------------------------

    /** Filters of cloudflare-go's AccessApplicationListParams; {@code exact=false} matches substrings. */
    private EmulatorReply listApps(EmulatorRoutes.Call call, EmulatorState.AccessAccount access) {
        String domain = call.query("domain");
        String name = call.query("name");
        boolean exact = "true".equals(call.query("exact"));
        List<ObjectNode> found = access.apps.values().stream()
                .filter(a -> matches(a.path("domain").asText(), domain, exact))
                .filter(a -> matches(a.path("name").asText(), name, exact))
                .map(a -> expanded(access, a)).toList();
        return page(call, found);
    }

    private static boolean matches(String value, String wanted, boolean exact) {
        return wanted == null || (exact ? value.equalsIgnoreCase(wanted)
                : value.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT)));
    }

    private EmulatorReply saveApp(EmulatorRoutes.Call call, String accountId, EmulatorState.AccessAccount access,
                                  ObjectNode existing) {
        JsonNode body = call.body();
        if (!"self_hosted".equals(body.path("type").asText())) {
            return fail(400, 12130, "access.api.error.invalid_request: app type is missing or invalid");
        }
        String domain = body.path("domain").asText("").toLowerCase(Locale.ROOT);
        for (String host : hosts(body, domain)) {
            if (!inActiveZone(accountId, host)) {
                return fail(400, 12130, "access.api.error.invalid_request: domain does not belong to zone");
            }
        }
        boolean taken = access.apps.values().stream().anyMatch(a -> a != existing
                && a.path("domain").asText().equalsIgnoreCase(domain));
        if (taken) {
            return fail(409, 11010, "access.api.error.application_already_exists");
        }
        ArrayNode links = JSON.createArrayNode();
        for (JsonNode link : body.path("policies")) {
            if (!access.policies.containsKey(link.path("id").asText())) {
                return fail(404, 12135, NOT_FOUND);
            }
            links.addObject().put("id", link.path("id").asText()).put("precedence", link.path("precedence").asInt());
        }
        ObjectNode app = body.deepCopy();
        app.put("domain", domain);
        if (existing == null) {
            String id = EmulatorState.uuid();
            app.put("id", id).put("uid", id).put("aud", EmulatorState.hex64()).put("created_at", EmulatorState.now());
        } else {
            // PUT replaces the whole object but never the id or the AUD tag (cloudflare.md §10.3)
            app.put("id", existing.get("id").asText()).put("uid", existing.get("id").asText())
                    .put("aud", existing.get("aud").asText()).put("created_at", existing.get("created_at").asText());
            if (!body.has("policies")) {
                // an omitted policies array leaves the links as they were (cloudflare.md §10.3, TF5 normalizations.go)
                links = (ArrayNode) existing.get("policies").deepCopy();
            }
        }
        app.set("policies", links);
        app.put("updated_at", EmulatorState.now());
        if (!app.has("session_duration")) {
            app.put("session_duration", "24h");
        }
        access.apps.put(app.get("id").asText(), app);
        return ok(expanded(access, app)).withStatus(existing == null ? 201 : 200);
    }

    private static List<String> hosts(JsonNode body, String domain) {
        List<String> hosts = new ArrayList<>();
        hosts.add(domain);
        body.path("destinations").forEach(d -> hosts.add(d.path("uri").asText().toLowerCase(Locale.ROOT)));
        return hosts;
    }

    private boolean inActiveZone(String accountId, String host) {
        String name = host.startsWith("*.") ? host.substring(2) : host;
        int slash = name.indexOf('/');
        String bare = slash < 0 ? name : name.substring(0, slash);
        return state.zones.values().stream().anyMatch(z -> z.accountId().equals(accountId)
                && (bare.equals(z.name()) || bare.endsWith("." + z.name())));
    }

    /** GET answers carry the linked policies in full, each with its precedence (the #5499 capture in §10.3). */
    private static ObjectNode expanded(EmulatorState.AccessAccount access, ObjectNode app) {
        ObjectNode out = app.deepCopy();
        ArrayNode policies = out.putArray("policies");
        for (JsonNode link : app.path("policies")) {
            ObjectNode policy = access.policies.get(link.get("id").asText());
            if (policy != null) {
                policies.add(policy.deepCopy().put("precedence", link.get("precedence").asInt()));
            }
        }
        return out;
    }

    // ---- policies -----------------------------------------------------------------------------

    private EmulatorReply savePolicy(EmulatorRoutes.Call call, EmulatorState.AccessAccount access,
                                     ObjectNode existing) {
        JsonNode body = call.body();
        for (JsonNode rule : body.path("include")) {
            JsonNode token = rule.path("service_token").path("token_id");
            if (!token.isMissingNode() && !access.serviceTokens.containsKey(token.asText())) {
                return fail(400, 12130, "access.api.error.invalid_request: service token " + token.asText()
                        + " does not exist");
            }
        }
        ObjectNode policy = body.deepCopy();
        String id = existing == null ? EmulatorState.uuid() : existing.get("id").asText();
        policy.put("id", id).put("reusable", true)
                .put("created_at", existing == null ? EmulatorState.now() : existing.get("created_at").asText())
                .put("updated_at", EmulatorState.now());
        for (String list : List.of("include", "exclude", "require")) {
            if (!policy.has(list)) {
                policy.putArray(list);
            }
        }
        access.policies.put(id, policy);
        return ok(withCount(access, policy)).withStatus(existing == null ? 201 : 200);
    }

    private static ObjectNode withCount(EmulatorState.AccessAccount access, ObjectNode policy) {
        String id = policy.get("id").asText();
        long apps = access.apps.values().stream()
                .filter(a -> a.path("policies").findValuesAsText("id").contains(id)).count();
        return policy.deepCopy().put("app_count", apps);
    }

    private EmulatorReply deletePolicy(EmulatorState.AccessAccount access, String id) {
        if (access.policies.remove(id) == null) {
            return fail(404, 12135, NOT_FOUND);
        }
        for (ObjectNode app : access.apps.values()) {
            ArrayNode kept = JSON.createArrayNode();
            app.path("policies").forEach(l -> {
                if (!l.get("id").asText().equals(id)) {
                    kept.add(l);
                }
            });
            app.set("policies", kept);
        }
        return ok(JSON.createObjectNode().put("id", id)).withStatus(202);
    }

    // ---- service tokens -----------------------------------------------------------------------

    private EmulatorReply listTokens(EmulatorRoutes.Call call, EmulatorState.AccessAccount access) {
        String name = call.query("name");
        return page(call, access.serviceTokens.values().stream()
                .filter(t -> name == null || t.get("name").asText().equals(name)).toList());
    }

    /** The only answer that carries {@code client_secret} (cloudflare.md §10.5); the stored token has none. */
    private EmulatorReply createToken(EmulatorRoutes.Call call, EmulatorState.AccessAccount access) {
        String duration = call.body().path("duration").asText("8760h");
        ObjectNode token = JSON.createObjectNode().put("id", EmulatorState.uuid())
                .put("name", call.body().path("name").asText()).put("client_id", EmulatorState.hex32() + ".access")
                .put("duration", duration)
                .put("expires_at", Instant.now().plus(8760, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString())
                .put("created_at", EmulatorState.now()).put("updated_at", EmulatorState.now());
        access.serviceTokens.put(token.get("id").asText(), token);
        ObjectNode shown = token.deepCopy().put("client_secret", EmulatorState.hex64()).put("client_secret_version", 1);
        return ok(shown).withStatus(201);
    }

    private static EmulatorReply page(EmulatorRoutes.Call call, List<? extends JsonNode> all) {
        return EmulatorReply.page(all, call.intQuery("page", 1), call.intQuery("per_page", 25));
    }
}
