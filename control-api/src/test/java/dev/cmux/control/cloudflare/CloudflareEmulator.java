package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A Cloudflare API v4 emulator: a real HTTP server on loopback, as strict as the real API where
 * cloudflare.md §7 says how it behaves. Every request is also checked against the OpenAPI subset;
 * violations are collected and {@link #assertNoViolations()} fails the test on any.
 *
 * <pre>{@code
 * try (CloudflareEmulator cf = CloudflareEmulator.start()) {
 *     CloudflareEmulator.Site site = cf.seedSite("example.com");
 *     // CF_API_URL = cf.url(), CF_API_TOKEN = site.token()
 * }
 * }</pre>
 */
public final class CloudflareEmulator implements AutoCloseable {

    /** An account with one zone and a user token holding the three permissions tunnel setup needs. */
    public record Site(String accountId, String zoneId, String token) {
    }

    /**
     * A cloudflared process connected to a tunnel, as {@code /connections} shows it (cloudflare.md §2).
     *
     * @param id    its connector id, a UUID; cloudflared reports the same on its {@code /ready} ({@code connectorId})
     * @param colos the data centers of its edge connections, one entry each
     */
    public record Connector(String id, String version, String arch, Instant runAt, List<String> colos) {

        /** A current cloudflared on amd64 with its usual four connections to two data centers. */
        public static Connector of(String id) {
            return new Connector(id, "2026.8.2", "linux_amd64", Instant.now(), List.of("fra08", "ams01", "fra12",
                    "ams08"));
        }
    }

    /** A request as received, for assertions. */
    public record RecordedRequest(String method, String path, Map<String, List<String>> query, String body) {
    }

    public static final Set<Permission> ALL_PERMISSIONS = Set.of(Permission.values());
    private static final String BASE = "/client/v4";
    private static final Pattern TOKEN_FORMAT = Pattern.compile("[A-Za-z0-9_-]{40}|cf(ut|at)_[A-Za-z0-9_-]{20,}");

    private final EmulatorState state = new EmulatorState();
    private final EmulatorRoutes routes = new EmulatorRoutes(state);
    private final OpenApiRequestValidator validator = OpenApiRequestValidator.load();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private int rateLimitedRequests;
    private int retryAfterSeconds;

    private CloudflareEmulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::exchange);
        server.setExecutor(executor);
        server.start();
    }

    public static CloudflareEmulator start() {
        try {
            return new CloudflareEmulator();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Cloudflare emulator", e);
        }
    }

    /** The API base URL, to use as {@code CF_API_URL}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + BASE);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- seeding ------------------------------------------------------------------------------

    public synchronized String addAccount(String name) {
        String id = EmulatorState.hex32();
        state.accounts.put(id, name);
        return id;
    }

    public synchronized String addZone(String name, String accountId) {
        String id = EmulatorState.hex32();
        state.zones.put(id, new EmulatorState.Zone(id, name.toLowerCase(), accountId));
        return id;
    }

    /** A user-owned token (40 characters, the pre-2026 format) reaching the given accounts. */
    public synchronized String addUserToken(Set<Permission> permissions, String... accountIds) {
        String token = EmulatorState.randomToken(40);
        state.tokens.put(token, new EmulatorState.Grant(EmulatorState.hex32(), EmulatorState.TokenKind.USER,
                Set.of(accountIds), Set.copyOf(permissions), "active"));
        return token;
    }

    /** An account-owned token ({@code cfat_…}); it fails on {@code /user/tokens/verify} like the real one. */
    public synchronized String addAccountToken(String accountId, Set<Permission> permissions) {
        String token = "cfat_" + EmulatorState.randomToken(40);
        state.tokens.put(token, new EmulatorState.Grant(EmulatorState.hex32(), EmulatorState.TokenKind.ACCOUNT,
                Set.of(accountId), Set.copyOf(permissions), "active"));
        return token;
    }

    public synchronized void setTokenStatus(String token, String status) {
        EmulatorState.Grant g = state.tokens.get(token);
        state.tokens.put(token, new EmulatorState.Grant(g.id(), g.kind(), g.accountIds(), g.permissions(), status));
    }

    public synchronized Site seedSite(String zoneName) {
        String account = addAccount("cmux test account");
        String zone = addZone(zoneName, account);
        return new Site(account, zone, addUserToken(ALL_PERMISSIONS, account));
    }

    public synchronized String addDnsRecord(String zoneId, String type, String name, String content, boolean proxied) {
        return new EmulatedDns(state).add(state.zones.get(zoneId), type, name, content, proxied);
    }

    /** A remotely managed tunnel that already exists. */
    public synchronized String addTunnel(String accountId, String name) {
        return routes.addTunnel(accountId, name, "cloudflare").id();
    }

    /**
     * Zero Trust is enabled for the account with the team domain {@code team.cloudflareaccess.com}; before this its
     * Access calls answer 403/9999, as for an account whose owner never chose a team name.
     */
    public synchronized void enableAccess(String accountId, String team) {
        new EmulatedAccess(state).enable(accountId, team);
    }

    /** An app someone made by hand; returns its AUD tag. */
    public synchronized String addAccessApp(String accountId, ObjectNode app) {
        String id = EmulatorState.uuid();
        String aud = EmulatorState.hex64();
        state.access.get(accountId).apps.put(id, app.deepCopy().put("id", id).put("uid", id).put("aud", aud)
                .put("created_at", EmulatorState.now()).put("updated_at", EmulatorState.now())
                .set("policies", EmulatorReply.JSON.createArrayNode()));
        return aud;
    }

    /** Test hook: {@code count} cloudflared processes are connected to the tunnel (0 disconnects all). */
    public synchronized void connect(String tunnelId, int count) {
        EmulatorState.TunnelEntry tunnel = state.tunnels.get(tunnelId);
        tunnel.connectors.clear();
        for (int i = 0; i < count; i++) {
            tunnel.connectors.add(Connector.of(EmulatorState.uuid()));
        }
        EmulatorRoutes.refreshStatus(tunnel);
    }

    /**
     * Test hook: one more cloudflared connects to the tunnel (another node's replica, run with the same token). Its id
     * must be a UUID no other connector has, as cloudflared generates it.
     */
    public synchronized void addConnector(String tunnelId, Connector connector) {
        EmulatorState.TunnelEntry tunnel = state.tunnels.get(tunnelId);
        if (tunnel == null || tunnel.deleted()) {
            throw new IllegalArgumentException("no live tunnel " + tunnelId);
        }
        if (!UUID.fromString(connector.id()).toString().equals(connector.id())) {
            throw new IllegalArgumentException("a connector id is a lower-case UUID: " + connector.id());
        }
        if (tunnel.connectors.stream().anyMatch(c -> c.id().equals(connector.id()))) {
            throw new IllegalArgumentException("connector " + connector.id() + " is already connected");
        }
        tunnel.connectors.add(connector);
        EmulatorRoutes.refreshStatus(tunnel);
    }

    /** Test hook: the next {@code count} requests get 429, code 971 and {@code Retry-After: seconds}. */
    public synchronized void rateLimitNext(int count, int seconds) {
        rateLimitedRequests = count;
        retryAfterSeconds = seconds;
    }

    // ---- inspection ---------------------------------------------------------------------------

    public synchronized List<JsonNode> dnsRecords(String zoneId) {
        return state.records.values().stream().filter(r -> r.get("zone").asText().equals(zoneId))
                .map(EmulatedDns::visible).map(JsonNode.class::cast).toList();
    }

    /** All tunnels of the account, deleted ones included. */
    public synchronized List<JsonNode> tunnels(String accountId) {
        return state.tunnels.values().stream().filter(t -> t.accountId().equals(accountId))
                .map(t -> (JsonNode) t.json.deepCopy()).toList();
    }

    /** The tunnel's remote configuration, or null before the first PUT. */
    public synchronized JsonNode configuration(String tunnelId) {
        EmulatorState.TunnelEntry t = state.tunnels.get(tunnelId);
        return t.config == null ? null : t.config.deepCopy();
    }

    /** The account's Access apps, policies as links {@code {id, precedence}}. */
    public synchronized List<JsonNode> accessApps(String accountId) {
        return accessOf(accountId).apps.values().stream().map(a -> (JsonNode) a.deepCopy()).toList();
    }

    public synchronized List<JsonNode> accessPolicies(String accountId) {
        return accessOf(accountId).policies.values().stream().map(p -> (JsonNode) p.deepCopy()).toList();
    }

    /** Service tokens as stored: without their secrets. */
    public synchronized List<JsonNode> serviceTokens(String accountId) {
        return accessOf(accountId).serviceTokens.values().stream().map(t -> (JsonNode) t.deepCopy()).toList();
    }

    private EmulatorState.AccessAccount accessOf(String accountId) {
        EmulatorState.AccessAccount access = state.access.get(accountId);
        if (access == null) {
            throw new IllegalStateException("Access is not enabled for " + accountId + "; call enableAccess first");
        }
        return access;
    }

    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Requests other than reads: what a dry run must not send. */
    public synchronized List<RecordedRequest> writes() {
        return requests.stream().filter(r -> !r.method().equals("GET")).toList();
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Fails the test when any request broke the OpenAPI spec. */
    public synchronized void assertNoViolations() {
        if (!violations.isEmpty()) {
            throw new AssertionError("requests the real Cloudflare API would reject:\n  " + String.join("\n  ", violations));
        }
    }

    public synchronized List<String> takeViolations() {
        List<String> taken = List.copyOf(violations);
        violations.clear();
        return taken;
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            EmulatorReply reply;
            synchronized (this) {
                reply = handle(exchange.getRequestMethod(), exchange.getRequestURI(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body);
            }
            byte[] out = EmulatorReply.JSON.writeValueAsBytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(reply.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private EmulatorReply handle(String method, URI uri, String authorization, String contentType, String body) {
        String rawPath = uri.getRawPath();
        Map<String, List<String>> query = query(uri.getRawQuery());
        requests.add(new RecordedRequest(method, rawPath, query, body));
        if (!rawPath.startsWith(BASE + "/")) {
            violations.add(method + " " + rawPath + ": not under " + BASE);
            return EmulatorReply.noRoute(rawPath);
        }
        String path = rawPath.substring(BASE.length());
        List<String> found = validator.validate(method, path, query, contentType, body);
        if (!found.isEmpty()) {
            violations.addAll(found);
            return found.get(0).endsWith(OpenApiRequestValidator.NO_OPERATION) ? EmulatorReply.noRoute(path)
                    : EmulatorReply.fail(400, 1001, "Invalid request: " + found.get(0));
        }
        if (rateLimitedRequests > 0) {
            rateLimitedRequests--;
            return EmulatorReply.fail(429, 971, "Please wait and consider throttling your request speed")
                    .withHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        if (authorization == null) {
            return EmulatorReply.fail(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
        }
        if (!authorization.startsWith("Bearer ") || !TOKEN_FORMAT.matcher(authorization.substring(7)).matches()) {
            return EmulatorReply.failChained(400, 6003, "Invalid request headers", 6111,
                    "Invalid format for Authorization header");
        }
        JsonNode json;
        try {
            json = body.isEmpty() ? EmulatorReply.JSON.createObjectNode() : EmulatorReply.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return EmulatorReply.fail(400, 6007, "Malformed JSON in request body");
        }
        List<String> segments = Arrays.stream(path.substring(1).split("/"))
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
        EmulatorState.Grant grant = state.tokens.get(authorization.substring(7));
        if (grant != null && !grant.status().equals("active") && !segments.get(segments.size() - 1).equals("verify")) {
            grant = null;  // disabled or expired tokens only still verify (and say so)
        }
        return routes.handle(new EmulatorRoutes.Call(method, path, segments, query, json, grant));
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }
}
