package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The emulator refuses what the real API refuses; otherwise tests against it prove nothing. */
class CloudflareEmulatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    final HttpClient http = HttpClient.newHttpClient();
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        int code() {
            return body.path("errors").path(0).path("code").asInt();
        }

        String message() {
            return body.path("errors").path(0).path("message").asText();
        }
    }

    @BeforeEach
    void names() {
        cf = fixture.emulator;
        site = fixture.site;
    }

    private Answer send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cf.url() + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()), r);
    }

    private Answer send(String method, String path, String body) throws Exception {
        return send(method, path, "Bearer " + site.token(), body);
    }

    private String tunnels() {
        return "/accounts/" + site.accountId() + "/cfd_tunnel";
    }

    private String records() {
        return "/zones/" + site.zoneId() + "/dns_records";
    }

    @Test
    void aRequestWithoutAuthorizationIs400Code9106() throws Exception {
        Answer a = send("GET", "/zones", null, null);
        assertEquals(400, a.status());
        assertEquals(9106, a.code());
        assertEquals(List.of(), cf.violations());
    }

    @Test
    void aMalformedBearerIs400Code6003ChainedWith6111() throws Exception {
        Answer a = send("GET", "/zones", "Bearer not-a-token", null);
        assertEquals(400, a.status());
        assertEquals(6003, a.code());
        assertEquals(6111, a.body().path("errors").path(0).path("error_chain").path(0).path("code").asInt());
    }

    @Test
    void anUnknownTokenIs401OnVerifyAnd403Elsewhere() throws Exception {
        String unknown = "Bearer " + "a".repeat(40);
        assertEquals(401, send("GET", "/user/tokens/verify", unknown, null).status());
        Answer elsewhere = send("GET", "/zones", unknown, null);
        assertEquals(403, elsewhere.status());
        assertEquals(9109, elsewhere.code());
    }

    @Test
    void verifySaysTheTokenIsActiveInAMessageObject() throws Exception {
        Answer a = send("GET", "/user/tokens/verify", null);
        assertEquals("active", a.body().path("result").path("status").asText());
        assertEquals(10000, a.body().path("messages").path(0).path("code").asInt());
    }

    @Test
    void aBodyPropertyTheSpecDoesNotDeclareIsAViolation() throws Exception {
        Answer a = send("POST", records(), "{\"type\":\"CNAME\",\"name\":\"a.example.com\",\"content\":\"b.example.net\",\"proxyed\":true,\"ttl\":1}");
        assertEquals(400, a.status());
        assertTrue(cf.takeViolations().toString().contains("proxyed: no schema declares this property"));
    }

    @Test
    void aQueryParameterTheSpecDoesNotDeclareIsAViolation() throws Exception {
        send("GET", records() + "?name.exact=a.example.com", null);
        assertTrue(cf.takeViolations().toString().contains("query parameter 'name.exact' is not in the spec"));
    }

    @Test
    void aDeleteWithoutTheBodyTheSpecRequiresIsAViolation() throws Exception {
        String id = cf.addDnsRecord(site.zoneId(), "A", "a.example.com", "203.0.113.1", false);
        send("DELETE", records() + "/" + id, null);
        assertTrue(cf.takeViolations().toString().contains("the request body is required"));
    }

    @Test
    void anUndocumentedRouteIs404WithCodes7003And7000() throws Exception {
        Answer a = send("GET", "/zones/" + site.zoneId() + "/settings/websockets", null);
        assertEquals(404, a.status());
        assertEquals(7003, a.code());
        assertEquals(7000, a.body().path("errors").path(1).path("code").asInt());
        assertTrue(cf.takeViolations().toString().contains("no such operation"));
    }

    @Test
    void aSecondTunnelWithTheSameNameIs409Code1013UntilTheFirstIsDeleted() throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\",\"config_src\":\"cloudflare\"}").body().path("result").path("id").asText();
        Answer conflict = send("POST", tunnels(), "{\"name\":\"t1\",\"config_src\":\"cloudflare\"}");
        assertEquals(409, conflict.status());
        assertEquals(1013, conflict.code());

        send("DELETE", tunnels() + "/" + id, "{}");

        assertEquals(200, send("POST", tunnels(), "{\"name\":\"t1\"}").status());
        cf.assertNoViolations();
    }

    @Test
    void aDeletedTunnelIsSoftDeletedAndOnlyIsDeletedFalseHidesIt() throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\"}").body().path("result").path("id").asText();
        send("DELETE", tunnels() + "/" + id, "{}");

        assertFalse(send("GET", tunnels() + "/" + id, null).body().path("result").path("deleted_at").isNull());
        assertEquals(1, send("GET", tunnels() + "?name=t1", null).body().path("result").size());
        assertEquals(0, send("GET", tunnels() + "?name=t1&is_deleted=false", null).body().path("result").size());
        cf.assertNoViolations();
    }

    @Test
    void aConnectedTunnelIsNotDeletedWithoutCascade() throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\"}").body().path("result").path("id").asText();
        cf.connect(id, 1);

        Answer refused = send("DELETE", tunnels() + "/" + id, "{}");
        assertEquals(400, refused.status());
        assertEquals(1022, refused.code());
        assertEquals(200, send("DELETE", tunnels() + "/" + id + "?cascade=true", "{}").status());
        cf.assertNoViolations();
    }

    @Test
    void connectionsListEachConnectorWithItsIdAndEdgeConnectionsAndCleanupByClientIdRemovesOnlyThatOne()
            throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\"}").body().path("result").path("id").asText();
        String first = "1bedc50d-42b3-473c-b108-ff3d10c0d925";
        String second = "6f1a9c2e-0b7d-4c55-9a0e-3d2f8e4b7c10";
        cf.addConnector(id, new CloudflareEmulator.Connector(first, "2026.8.2", "linux_arm64",
                Instant.parse("2026-12-07T06:58:00Z"), List.of("fra08", "ams01")));
        cf.addConnector(id, CloudflareEmulator.Connector.of(second));

        JsonNode clients = send("GET", tunnels() + "/" + id + "/connections", null).body().path("result");

        assertEquals(2, clients.size());
        JsonNode client = clients.get(0);
        assertEquals(first, client.path("id").asText());
        assertEquals("linux_arm64", client.path("arch").asText());
        assertEquals("2026-12-07T06:58:00.000000Z", client.path("run_at").asText());
        assertEquals("fra08", client.path("conns").path(0).path("colo_name").asText());
        assertEquals(first, client.path("conns").path(1).path("client_id").asText());
        assertEquals(4, clients.get(1).path("conns").size());
        assertEquals("healthy", send("GET", tunnels() + "/" + id, null).body().path("result").path("status").asText());

        assertEquals(200, send("DELETE", tunnels() + "/" + id + "/connections?client_id=" + first, "{}").status());
        JsonNode left = send("GET", tunnels() + "/" + id + "/connections", null).body().path("result");
        assertEquals(1, left.size());
        assertEquals(second, left.get(0).path("id").asText());
        cf.assertNoViolations();
    }

    @Test
    void aConnectorIdThatIsNoUuidOrAlreadyConnectedIsRefused() throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\"}").body().path("result").path("id").asText();
        String connector = "1bedc50d-42b3-473c-b108-ff3d10c0d925";
        cf.addConnector(id, CloudflareEmulator.Connector.of(connector));

        assertThrows(IllegalArgumentException.class, () -> cf.addConnector(id, CloudflareEmulator.Connector.of("pve1")));
        assertThrows(IllegalArgumentException.class, () -> cf.addConnector(id,
                CloudflareEmulator.Connector.of(connector)));
        assertEquals(1, send("GET", tunnels() + "/" + id + "/connections", null).body().path("result").size());
    }

    @Test
    void ingressWhoseLastRuleIsNotACatchAllIsRejectedWithCloudflaredsMessage() throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\",\"config_src\":\"cloudflare\"}").body().path("result").path("id").asText();

        Answer a = send("PUT", tunnels() + "/" + id + "/configurations",
                "{\"config\":{\"ingress\":[{\"hostname\":\"*.example.com\",\"service\":\"http://localhost:8080\"}]}}");

        assertEquals(400, a.status());
        assertEquals("Bad Configuration: Validation failed: The last ingress rule must match all URLs "
                + "(i.e. it should not have a hostname or path filter)", a.message());
    }

    @Test
    void ingressWithACatchAllBeforeTheEndOrAServicePathIsRejected() throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\",\"config_src\":\"cloudflare\"}").body().path("result").path("id").asText();
        String path = tunnels() + "/" + id + "/configurations";

        assertTrue(send("PUT", path, "{\"config\":{\"ingress\":[{\"service\":\"http_status:404\"},"
                + "{\"service\":\"http_status:404\"},{\"service\":\"http_status:404\"}]}}").message().contains("Rule #1"));
        assertTrue(send("PUT", path, "{\"config\":{\"ingress\":[{\"hostname\":\"a.example.com\",\"service\":"
                + "\"http://localhost:8080/app\"},{\"service\":\"http_status:404\"}]}}").message().contains("different path"));
        assertTrue(send("PUT", path, "{\"config\":{\"ingress\":[{\"hostname\":\"a.*.example.com\",\"service\":"
                + "\"http://localhost:8080\"},{\"service\":\"http_status:404\"}]}}").message().contains("wildcard"));
        assertTrue(send("PUT", path, "{\"config\":{\"ingress\":[{\"service\":\"http_status:1000\"}]}}")
                .message().contains("between 100 and 999"));
        cf.assertNoViolations();
    }

    @Test
    void durationsAsStringsAreASchemaViolation() throws Exception {
        String id = send("POST", tunnels(), "{\"name\":\"t1\",\"config_src\":\"cloudflare\"}").body().path("result").path("id").asText();
        send("PUT", tunnels() + "/" + id + "/configurations",
                "{\"config\":{\"originRequest\":{\"connectTimeout\":\"30s\"},\"ingress\":[{\"service\":\"http_status:404\"}]}}");
        assertTrue(cf.takeViolations().toString().contains("connectTimeout: expected integer"));
    }

    @Test
    void dnsConflictsUseTheRealCodes() throws Exception {
        cf.addDnsRecord(site.zoneId(), "A", "a.example.com", "203.0.113.1", false);
        cf.addDnsRecord(site.zoneId(), "CNAME", "c.example.com", "x.example.net", false);

        assertEquals(81053, send("POST", records(), "{\"type\":\"CNAME\",\"name\":\"a.example.com\",\"content\":\"x.example.net\",\"ttl\":1}").code());
        assertEquals(81054, send("POST", records(), "{\"type\":\"A\",\"name\":\"c.example.com\",\"content\":\"203.0.113.2\",\"ttl\":1}").code());
        assertEquals(81057, send("POST", records(), "{\"type\":\"A\",\"name\":\"A.example.com\",\"content\":\"203.0.113.1\",\"ttl\":1}").code());
        Answer missing = send("PUT", records() + "/" + "0".repeat(32), "{\"type\":\"A\",\"name\":\"b.example.com\",\"content\":\"203.0.113.3\",\"ttl\":1}");
        assertEquals(404, missing.status());
        assertEquals(81044, missing.code());
        cf.assertNoViolations();
    }

    @Test
    void theRateLimitHookAnswers429WithRetryAfterAndCode971() throws Exception {
        cf.rateLimitNext(1, 3);

        Answer a = send("GET", "/zones?name=example.com", null);

        assertEquals(429, a.status());
        assertEquals(971, a.code());
        assertEquals("3", a.raw().headers().firstValue("Retry-After").orElseThrow());
        assertEquals(200, send("GET", "/zones?name=example.com", null).status());
    }
}
