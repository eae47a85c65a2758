package dev.cmux.control.cloudflare;

import static dev.cmux.control.cloudflare.EmulatorReply.JSON;
import static dev.cmux.control.cloudflare.EmulatorReply.fail;
import static dev.cmux.control.cloudflare.EmulatorReply.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** The zone, DNS and tunnel endpoints, behaving as cloudflare.md §7 describes. */
final class EmulatorRoutes {

    /** One authenticated request; {@code grant} is null for an unknown token. */
    record Call(String method, String path, List<String> segments, Map<String, List<String>> query, JsonNode body,
                EmulatorState.Grant grant) {
        String query(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        int intQuery(String name, int fallback) {
            String v = query(name);
            return v == null ? fallback : (int) Double.parseDouble(v);
        }
    }

    private final EmulatorState state;

    EmulatorRoutes(EmulatorState state) {
        this.state = state;
    }

    EmulatorReply handle(Call call) {
        List<String> s = call.segments;
        String m = call.method;
        if (s.equals(List.of("user", "tokens", "verify")) && m.equals("GET")) {
            return verify(call.grant, g -> g.kind() == EmulatorState.TokenKind.USER);
        }
        if (s.size() == 4 && s.get(0).equals("accounts") && s.get(2).equals("tokens") && s.get(3).equals("verify")
                && m.equals("GET")) {
            return verify(call.grant, g -> g.kind() == EmulatorState.TokenKind.ACCOUNT && g.accountIds().contains(s.get(1)));
        }
        if (call.grant == null) {
            return fail(403, 9109, "Invalid access token");
        }
        if (s.equals(List.of("zones")) && m.equals("GET")) {
            return listZones(call);
        }
        if (s.size() >= 3 && s.get(0).equals("zones") && s.get(2).equals("dns_records")) {
            return new EmulatedDns(state).handle(call);
        }
        if (s.size() >= 3 && s.get(0).equals("accounts") && s.get(2).equals("cfd_tunnel")) {
            return tunnels(call);
        }
        if (s.size() >= 4 && s.get(0).equals("accounts") && s.get(2).equals("access")) {
            return new EmulatedAccess(state).handle(call);
        }
        return EmulatorReply.noRoute(call.path);
    }

    private EmulatorReply verify(EmulatorState.Grant grant, Predicate<EmulatorState.Grant> fits) {
        if (grant == null || !fits.test(grant)) {
            return fail(401, 1000, "Invalid API Token");
        }
        ObjectNode result = JSON.createObjectNode().put("id", grant.id()).put("status", grant.status());
        EmulatorReply reply = ok(result);
        reply.body().withArray("messages").addObject().put("code", 10000)
                .put("message", "This API Token is valid and active").putNull("type");
        return reply;
    }

    private EmulatorReply listZones(Call call) {
        if (!call.grant.permissions().contains(Permission.ZONE_READ)) {
            return fail(403, 10000, "Authentication error");
        }
        String name = call.query("name");
        List<ObjectNode> zones = state.zones.values().stream()
                .filter(z -> call.grant.may(Permission.ZONE_READ, z.accountId()))
                .filter(z -> name == null || z.name().equalsIgnoreCase(name))
                .map(this::zoneJson).toList();
        return EmulatorReply.page(zones, call.intQuery("page", 1), call.intQuery("per_page", 20));
    }

    private ObjectNode zoneJson(EmulatorState.Zone z) {
        ObjectNode zone = JSON.createObjectNode().put("id", z.id()).put("name", z.name()).put("status", "active");
        zone.putObject("account").put("id", z.accountId()).put("name", state.accounts.get(z.accountId()));
        zone.putArray("name_servers").add("ada.ns.cloudflare.com").add("bob.ns.cloudflare.com");
        return zone;
    }

    // ---- tunnels ------------------------------------------------------------------------------

    private EmulatorReply tunnels(Call call) {
        List<String> s = call.segments;
        String accountId = s.get(1);
        if (!state.accounts.containsKey(accountId)) {
            return EmulatorReply.noRoute(call.path);
        }
        if (!call.grant.may(Permission.TUNNEL_EDIT, accountId)) {
            return fail(403, 10000, "Authentication error");
        }
        if (s.size() == 3) {
            return switch (call.method) {
                case "GET" -> listTunnels(call, accountId);
                case "POST" -> createTunnel(call, accountId);
                default -> EmulatorReply.noRoute(call.path);
            };
        }
        EmulatorState.TunnelEntry tunnel = state.tunnels.get(s.get(3));
        if (tunnel == null || !tunnel.accountId().equals(accountId)) {
            return fail(404, 1000, "Tunnel not found");
        }
        String tail = s.size() == 4 ? "" : s.get(4);
        return switch (call.method + " " + tail) {
            case "GET " -> ok(tunnel.json);
            case "DELETE " -> deleteTunnel(call, tunnel);
            case "GET token" -> ok(JSON.getNodeFactory().textNode(token(tunnel)));
            case "GET configurations" -> ok(configuration(tunnel));
            case "PUT configurations" -> putConfiguration(call, tunnel);
            case "GET connections" -> ok(connections(tunnel));
            case "DELETE connections" -> {
                // the spec: "If no connector id (client_id) is provided all connectors will be removed"
                String clientId = call.query("client_id");
                tunnel.connectors.removeIf(c -> clientId == null || c.id().equals(clientId));
                refreshStatus(tunnel);
                yield ok(JSON.nullNode());
            }
            default -> EmulatorReply.noRoute(call.path);
        };
    }

    private EmulatorReply listTunnels(Call call, String accountId) {
        String name = call.query("name");
        String isDeleted = call.query("is_deleted");
        String uuid = call.query("uuid");
        List<ObjectNode> found = state.tunnels.values().stream()
                .filter(t -> t.accountId().equals(accountId))
                .filter(t -> name == null || t.json.get("name").asText().equals(name))
                .filter(t -> uuid == null || t.id().equals(uuid))
                // empty is_deleted lists deleted tunnels too, as the real API does
                .filter(t -> isDeleted == null || t.deleted() == Boolean.parseBoolean(isDeleted))
                .map(t -> t.json).toList();
        return EmulatorReply.page(found, call.intQuery("page", 1), call.intQuery("per_page", 20));
    }

    private EmulatorReply createTunnel(Call call, String accountId) {
        String name = call.body.path("name").asText("");
        if (name.isEmpty()) {
            return fail(400, 1003, "Invalid tunnel name");
        }
        boolean taken = state.tunnels.values().stream()
                .anyMatch(t -> t.accountId().equals(accountId) && !t.deleted() && t.json.get("name").asText().equals(name));
        if (taken) {
            return fail(409, 1013, "You already have a tunnel with this name. Delete the existing tunnel, or choose a "
                    + "different name for your new tunnel");
        }
        String configSrc = call.body.path("config_src").asText("local");
        EmulatorState.TunnelEntry tunnel = addTunnel(accountId, name, configSrc);
        ObjectNode result = tunnel.json.deepCopy();
        result.putObject("credentials_file").put("AccountTag", accountId).put("TunnelID", tunnel.id())
                .put("TunnelName", name).put("TunnelSecret", tunnel.secret);
        result.put("token", token(tunnel));
        return ok(result);
    }

    EmulatorState.TunnelEntry addTunnel(String accountId, String name, String configSrc) {
        String id = EmulatorState.uuid();
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id).put("account_tag", accountId).put("created_at", EmulatorState.now()).putNull("deleted_at")
                .put("name", name).put("tun_type", "cfd_tunnel").put("status", "inactive")
                .put("remote_config", configSrc.equals("cloudflare")).put("config_src", configSrc)
                .putNull("conns_active_at").put("conns_inactive_at", EmulatorState.now());
        json.putArray("connections");
        json.putObject("metadata");
        EmulatorState.TunnelEntry tunnel = new EmulatorState.TunnelEntry(json,
                Base64.getEncoder().encodeToString(EmulatorState.randomBytes(32)));
        state.tunnels.put(id, tunnel);
        return tunnel;
    }

    private EmulatorReply deleteTunnel(Call call, EmulatorState.TunnelEntry tunnel) {
        if (tunnel.deleted()) {
            return fail(400, 1003, "Tunnel has already been deleted");
        }
        if (!tunnel.connectors.isEmpty() && !"true".equals(call.query("cascade"))) {
            return fail(400, 1022, "This tunnel has active connections.");
        }
        tunnel.connectors.clear();
        tunnel.json.put("deleted_at", EmulatorState.now());
        refreshStatus(tunnel);
        return ok(tunnel.json);
    }

    /** base64 of {"a","s","t"}, the format cloudflared parses. */
    private static String token(EmulatorState.TunnelEntry tunnel) {
        ObjectNode t = JSON.createObjectNode().put("a", tunnel.accountId()).put("s", tunnel.secret).put("t", tunnel.id());
        return Base64.getEncoder().encodeToString(t.toString().getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode configuration(EmulatorState.TunnelEntry tunnel) {
        ObjectNode result = JSON.createObjectNode().put("tunnel_id", tunnel.id()).put("version", tunnel.version);
        result.set("config", tunnel.config == null ? JSON.nullNode() : tunnel.config.deepCopy());
        result.put("source", "cloudflare").put("created_at", EmulatorState.now());
        return result;
    }

    private EmulatorReply putConfiguration(Call call, EmulatorState.TunnelEntry tunnel) {
        if (!tunnel.json.path("remote_config").asBoolean()) {
            return fail(400, 1003, "This tunnel is locally configured; its configuration cannot be managed remotely");
        }
        JsonNode config = call.body.path("config");
        Optional<String> problem = IngressValidator.firstProblem(config);
        if (problem.isPresent()) {
            // the real code is not known (cloudflare.md §9); the message is cloudflared's
            return fail(400, 1055, "Bad Configuration: Validation failed: " + problem.get());
        }
        tunnel.config = config.isObject() ? (ObjectNode) config.deepCopy() : JSON.createObjectNode();
        if (!tunnel.config.has("originRequest")) {
            tunnel.config.putObject("originRequest");
        }
        if (!tunnel.config.has("warp-routing")) {
            tunnel.config.putObject("warp-routing").put("enabled", false);
        }
        tunnel.version++;
        return ok(configuration(tunnel));
    }

    /**
     * ActiveClients as cloudflare.md §2 "Connections" and the spec's {@code tunnel_tunnel_client} and
     * {@code tunnel_schemas-connection} show them: no host name anywhere, and one origin address for every connector
     * (they sit behind one NAT), so nothing here tells which host a connector runs on.
     */
    private JsonNode connections(EmulatorState.TunnelEntry tunnel) {
        var list = JSON.createArrayNode();
        for (CloudflareEmulator.Connector connector : tunnel.connectors) {
            String runAt = EmulatorState.RFC3339_MICROS.format(connector.runAt());
            ObjectNode client = list.addObject().put("id", connector.id()).put("arch", connector.arch())
                    .put("version", connector.version()).put("run_at", runAt).put("config_version", tunnel.version);
            var features = client.putArray("features");
            List.of("ha-origin", "serialized_headers", "support_datagram_v2", "support_quic_eof", "management_logs")
                    .forEach(features::add);
            var conns = client.putArray("conns");
            for (String colo : connector.colos()) {
                String id = EmulatorState.uuid();
                conns.addObject().put("id", id).put("uuid", id).put("client_id", connector.id())
                        .put("client_version", connector.version()).put("colo_name", colo)
                        .put("is_pending_reconnect", false).put("opened_at", runAt).put("origin_ip", "198.51.100.7");
            }
        }
        return list;
    }

    static void refreshStatus(EmulatorState.TunnelEntry tunnel) {
        String current = tunnel.json.get("status").asText();
        tunnel.json.put("status", !tunnel.connectors.isEmpty() ? "healthy" : current.equals("inactive") ? "inactive" : "down");
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
