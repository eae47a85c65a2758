package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.control.config.CloudflareConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Typed calls to the Cloudflare v4 API used by tunnel setup, status and teardown. One OkHttp client
 * carries auth and 429 handling as interceptors; failures become {@link CloudflareApiException}s
 * whose message names the missing permission or the setting to fix. The token is never logged.
 */
public final class CloudflareClient implements AutoCloseable {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final int TUNNEL_PAGE = 100;
    private static final int DNS_PAGE = 100;
    private static final int ZONE_PAGE = 50;
    private static final int ACCESS_PAGE = 50;

    private final HttpUrl base;
    private final OkHttpClient http;
    private final boolean owned;
    private final ObjectMapper json = new ObjectMapper();

    /** A client with its own connection pool; {@link #close()} releases it. */
    public CloudflareClient(URI apiUrl, String apiToken, RetryPolicy retry) {
        this(new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofMinutes(5))
                .build(), apiUrl, apiToken, retry, true);
    }

    /**
     * A client sharing {@code shared}'s connection pool and dispatcher (the process's one OkHttp
     * client); {@link #close()} leaves them alone.
     */
    public CloudflareClient(OkHttpClient shared, URI apiUrl, String apiToken, RetryPolicy retry) {
        this(shared, apiUrl, apiToken, retry, false);
    }

    private CloudflareClient(OkHttpClient from, URI apiUrl, String apiToken, RetryPolicy retry, boolean owned) {
        HttpUrl parsed = HttpUrl.parse(apiUrl.toString());
        if (parsed == null) {
            throw new IllegalArgumentException("CF_API_URL is not an http(s) URL: " + apiUrl);
        }
        this.base = parsed;
        this.owned = owned;
        this.http = from.newBuilder()
                .addInterceptor(new RateLimitRetryInterceptor(retry))
                .addInterceptor(new BearerTokenInterceptor(apiToken))
                .build();
    }

    public static CloudflareClient from(CloudflareConfig config, RetryPolicy retry) {
        return new CloudflareClient(config.apiUrl(), config.apiToken(), retry);
    }

    // ---- tokens -------------------------------------------------------------------------------

    /** {@code GET /user/tokens/verify}: for user-owned tokens; account-owned ones get 401 here. */
    public TokenVerification verifyUserToken() {
        return get(url("user", "tokens", "verify"), "verify the API token", Permission.ZONE_READ)
                .result(TokenVerification.class);
    }

    /** {@code GET /accounts/{id}/tokens/verify}: for account-owned tokens. */
    public TokenVerification verifyAccountToken(String accountId) {
        return get(url("accounts", accountId, "tokens", "verify"), "verify the API token", Permission.TUNNEL_EDIT)
                .result(TokenVerification.class);
    }

    // ---- zones --------------------------------------------------------------------------------

    /** The zone with exactly this name, if the token can see it. */
    public Optional<Zone> zoneNamed(String name) {
        HttpUrl url = url("zones").newBuilder().addQueryParameter("name", name).build();
        return list(url, ZONE_PAGE, "look up the zone " + name, Permission.ZONE_READ, Zone.class)
                .stream().filter(z -> z.name().equalsIgnoreCase(name)).findFirst();
    }

    // ---- tunnels ------------------------------------------------------------------------------

    /** The non-deleted tunnel with this name; names are unique only among non-deleted tunnels. */
    public Optional<Tunnel> tunnelNamed(String accountId, String name) {
        HttpUrl url = url("accounts", accountId, "cfd_tunnel").newBuilder()
                .addQueryParameter("name", name)
                .addQueryParameter("is_deleted", "false")
                .build();
        return list(url, TUNNEL_PAGE, "look up the tunnel " + name, Permission.TUNNEL_EDIT, Tunnel.class)
                .stream().filter(t -> t.name().equals(name) && !t.deleted()).findFirst();
    }

    /** Creates a remotely managed tunnel: ingress lives in Cloudflare, cloudflared needs only the token. */
    public Tunnel createTunnel(String accountId, String name) {
        return send("POST", url("accounts", accountId, "cfd_tunnel"),
                Map.of("name", name, "config_src", "cloudflare"), "create the tunnel " + name, Permission.TUNNEL_EDIT)
                .result(Tunnel.class);
    }

    /** The token cloudflared runs the tunnel with. A secret: never log it. */
    public String tunnelToken(String accountId, String tunnelId) {
        return get(url("accounts", accountId, "cfd_tunnel", tunnelId, "token"), "fetch the tunnel token",
                Permission.TUNNEL_EDIT).result(JsonNode::asText);
    }

    /** Soft-deletes the tunnel; {@code cascade} first drops its connections, as {@code cloudflared tunnel delete -f} does. */
    public void deleteTunnel(String accountId, String tunnelId, boolean cascade) {
        HttpUrl url = url("accounts", accountId, "cfd_tunnel", tunnelId);
        if (cascade) {
            url = url.newBuilder().addQueryParameter("cascade", "true").build();
        }
        send("DELETE", url, Map.of(), "delete the tunnel", Permission.TUNNEL_EDIT);
    }

    /** The connected cloudflared processes of a tunnel. */
    public List<TunnelConnector> connectors(String accountId, String tunnelId) {
        return get(url("accounts", accountId, "cfd_tunnel", tunnelId, "connections"), "list the tunnel's connectors",
                Permission.TUNNEL_EDIT).result(node -> readList(node, TunnelConnector.class));
    }

    /** The remote configuration ({@code ingress}, {@code originRequest}, …); empty before the first PUT. */
    public ObjectNode configuration(String accountId, String tunnelId) {
        JsonNode config = get(url("accounts", accountId, "cfd_tunnel", tunnelId, "configurations"),
                "read the tunnel configuration", Permission.TUNNEL_EDIT).result.path("config");
        return config.isObject() ? (ObjectNode) config.deepCopy() : json.createObjectNode();
    }

    public void putConfiguration(String accountId, String tunnelId, ObjectNode config) {
        ObjectNode body = json.createObjectNode();
        body.set("config", config);
        send("PUT", url("accounts", accountId, "cfd_tunnel", tunnelId, "configurations"), body,
                "update the tunnel ingress", Permission.TUNNEL_EDIT);
    }

    /** Ingress rules of a configuration node, in order. */
    public List<IngressRule> ingressOf(ObjectNode config) {
        JsonNode ingress = config.path("ingress");
        return ingress.isArray() ? readList(ingress, IngressRule.class) : List.of();
    }

    public ObjectNode withIngress(ObjectNode config, List<IngressRule> rules) {
        ObjectNode copy = config.deepCopy();
        copy.set("ingress", json.valueToTree(rules));
        return copy;
    }

    // ---- DNS ----------------------------------------------------------------------------------

    /** Every record at exactly {@code name}, of any type (an A record blocks a CNAME). */
    public List<DnsRecord> dnsRecordsNamed(String zoneId, String name) {
        HttpUrl url = url("zones", zoneId, "dns_records").newBuilder().addQueryParameter("name", name).build();
        return list(url, DNS_PAGE, "list DNS records for " + name, Permission.DNS_EDIT, DnsRecord.class);
    }

    /** CNAMEs whose target is {@code content}: the records that route into one tunnel. */
    public List<DnsRecord> cnamesTo(String zoneId, String content) {
        HttpUrl url = url("zones", zoneId, "dns_records").newBuilder()
                .addQueryParameter("type", "CNAME")
                .addQueryParameter("content", content)
                .build();
        return list(url, DNS_PAGE, "list DNS records pointing at " + content, Permission.DNS_EDIT, DnsRecord.class);
    }

    public DnsRecord createDnsRecord(String zoneId, DnsRecordRequest record) {
        return send("POST", url("zones", zoneId, "dns_records"), record,
                "create the DNS record " + record.name(), Permission.DNS_EDIT).result(DnsRecord.class);
    }

    public DnsRecord overwriteDnsRecord(String zoneId, String recordId, DnsRecordRequest record) {
        return send("PUT", url("zones", zoneId, "dns_records", recordId), record,
                "update the DNS record " + record.name(), Permission.DNS_EDIT).result(DnsRecord.class);
    }

    public void deleteDnsRecord(String zoneId, DnsRecord record) {
        send("DELETE", url("zones", zoneId, "dns_records", record.id()), Map.of(),
                "delete the " + record.type() + " record " + record.name(), Permission.DNS_EDIT);
    }

    // ---- Access -------------------------------------------------------------------------------

    /**
     * The team name of the account's Zero Trust organization: its {@code auth_domain} without
     * {@code .cloudflareaccess.com}. One public capture says {@code domain} instead, so that is read too (§10.11).
     */
    public String accessTeamName(String accountId) {
        JsonNode org = get(url("accounts", accountId, "access", "organizations"), "read the Zero Trust organization",
                Permission.ACCESS_ORGANIZATIONS_READ).result;
        String authDomain = org.path("auth_domain").asText(org.path("domain").asText(""));
        String suffix = ".cloudflareaccess.com";
        if (!authDomain.endsWith(suffix)) {
            throw new CloudflareApiException("The Zero Trust organization's team domain is '" + authDomain
                    + "', not <team>" + suffix + "; set access.teamName and access.issuer in the config by hand.",
                    200, List.of());
        }
        return authDomain.substring(0, authDomain.length() - suffix.length());
    }

    /**
     * Apps whose {@code domain} or a destination is {@code host}: the server's filter is asked, and, as its exact
     * semantics for wildcards are not documented, the answer is filtered here again (cloudflare.md §10.9).
     */
    public List<AccessApp> accessAppsFor(String accountId, String host) {
        HttpUrl url = url("accounts", accountId, "access", "apps").newBuilder()
                .addQueryParameter("domain", host).addQueryParameter("exact", "true").build();
        return list(url, ACCESS_PAGE, "list the Access applications for " + host, Permission.ACCESS_APPS_EDIT,
                JsonNode.class).stream().map(AccessApp::from).filter(a -> a.hosts().contains(host)).toList();
    }

    public AccessApp accessApp(String accountId, String appId) {
        return AccessApp.from(get(url("accounts", accountId, "access", "apps", appId), "read the Access application",
                Permission.ACCESS_APPS_EDIT).result);
    }

    public AccessApp createAccessApp(String accountId, ObjectNode app) {
        return AccessApp.from(send("POST", url("accounts", accountId, "access", "apps"), app,
                "create the Access application for " + app.path("domain").asText(), Permission.ACCESS_APPS_EDIT).result);
    }

    /** PUT replaces the whole app: {@code app} must carry every field to keep (see {@link AccessApp#asUpdate}). */
    public AccessApp updateAccessApp(String accountId, String appId, ObjectNode app) {
        return AccessApp.from(send("PUT", url("accounts", accountId, "access", "apps", appId), app,
                "update the Access application for " + app.path("domain").asText(), Permission.ACCESS_APPS_EDIT).result);
    }

    public void deleteAccessApp(String accountId, AccessApp app) {
        delete(url("accounts", accountId, "access", "apps", app.id()), "delete the Access application for "
                + app.domain(), Permission.ACCESS_APPS_EDIT);
    }

    /** The reusable policy with this name; the setup names its own, so a name finds it again. */
    public Optional<AccessPolicy> accessPolicyNamed(String accountId, String name) {
        return list(url("accounts", accountId, "access", "policies"), ACCESS_PAGE, "list the Access policies",
                Permission.ACCESS_APPS_EDIT, AccessPolicy.class).stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public AccessPolicy createAccessPolicy(String accountId, AccessPolicyRequest policy) {
        return send("POST", url("accounts", accountId, "access", "policies"), policy,
                "create the Access policy " + policy.name(), Permission.ACCESS_APPS_EDIT).result(AccessPolicy.class);
    }

    public AccessPolicy updateAccessPolicy(String accountId, String policyId, AccessPolicyRequest policy) {
        return send("PUT", url("accounts", accountId, "access", "policies", policyId), policy,
                "update the Access policy " + policy.name(), Permission.ACCESS_APPS_EDIT).result(AccessPolicy.class);
    }

    public void deleteAccessPolicy(String accountId, AccessPolicy policy) {
        delete(url("accounts", accountId, "access", "policies", policy.id()), "delete the Access policy "
                + policy.name(), Permission.ACCESS_APPS_EDIT);
    }

    /** Service tokens with exactly this name (the server's {@code name} filter, checked here again). */
    public List<ServiceToken> serviceTokensNamed(String accountId, String name) {
        HttpUrl url = url("accounts", accountId, "access", "service_tokens").newBuilder()
                .addQueryParameter("name", name).build();
        return list(url, ACCESS_PAGE, "list the Access service tokens", Permission.ACCESS_SERVICE_TOKENS_EDIT,
                ServiceToken.class).stream().filter(t -> name.equals(t.name())).toList();
    }

    /** A new service token; the answer is the only one that carries its secret. */
    public ServiceToken createServiceToken(String accountId, String name) {
        return send("POST", url("accounts", accountId, "access", "service_tokens"), Map.of("name", name),
                "create the Access service token " + name, Permission.ACCESS_SERVICE_TOKENS_EDIT)
                .result(ServiceToken.class);
    }

    @Override
    public void close() {
        if (owned) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private HttpUrl url(String... segments) {
        HttpUrl.Builder b = base.newBuilder();
        for (String s : segments) {
            b.addPathSegment(s);
        }
        return b.build();
    }

    private Reply get(HttpUrl url, String action, Permission needed) {
        return call(new Request.Builder().url(url).get().build(), action, needed);
    }

    /** Access deletes take no body in the spec (the tunnel and DNS ones do, see {@link #send}). */
    private Reply delete(HttpUrl url, String action, Permission needed) {
        return call(new Request.Builder().url(url).delete().build(), action, needed);
    }

    /** The spec marks tunnel and DNS DELETE bodies required too, so those deletes send {@code {}}. */
    private Reply send(String method, HttpUrl url, Object body, String action, Permission needed) {
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request body", e);
        }
        return call(new Request.Builder().url(url).method(method, RequestBody.create(text, JSON)).build(),
                action, needed);
    }

    private <T> List<T> list(HttpUrl url, int perPage, String action, Permission needed, Class<T> type) {
        List<T> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            HttpUrl paged = url.newBuilder()
                    .addQueryParameter("page", Integer.toString(page))
                    .addQueryParameter("per_page", Integer.toString(perPage))
                    .build();
            Reply reply = get(paged, action, needed);
            List<T> items = reply.result(node -> readList(node, type));
            all.addAll(items);
            ApiEnvelope.ResultInfo info = reply.envelope.resultInfo();
            boolean more = info != null
                    ? page < info.totalPages() || (info.totalPages() == 0 && all.size() < info.totalCount())
                    : items.size() >= perPage;
            if (!more || items.isEmpty()) {
                return all;
            }
        }
    }

    private Reply call(Request request, String action, Permission needed) {
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            ApiEnvelope envelope;
            try {
                envelope = json.readValue(body, ApiEnvelope.class);
            } catch (JsonProcessingException e) {
                throw new CloudflareApiException("Cloudflare answered HTTP " + response.code()
                        + " with something that is not its JSON envelope while trying to " + action
                        + "; check CF_API_URL.", response.code(), List.of());
            }
            if (!response.isSuccessful() || !envelope.success()) {
                throw CloudflareErrors.fromResponse(action, needed, response.code(), envelope.errorList());
            }
            return new Reply(envelope, envelope.result() == null ? json.nullNode() : envelope.result());
        } catch (IOException e) {
            throw CloudflareErrors.unreachable(action, base.host(), e);
        }
    }

    private <T> List<T> readList(JsonNode node, Class<T> type) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        return json.convertValue(node, json.getTypeFactory().constructCollectionType(List.class, type));
    }

    private final class Reply {
        final ApiEnvelope envelope;
        final JsonNode result;

        Reply(ApiEnvelope envelope, JsonNode result) {
            this.envelope = envelope;
            this.result = result;
        }

        <T> T result(Class<T> type) {
            return json.convertValue(result, type);
        }

        <T> T result(Function<JsonNode, T> reader) {
            return reader.apply(result);
        }
    }
}
