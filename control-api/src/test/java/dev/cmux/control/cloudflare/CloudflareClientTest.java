package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmux.control.poll.FakeTime;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CloudflareClientTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    final FakeTime time = new FakeTime();
    CloudflareEmulator cf;
    CloudflareEmulator.Site site;

    @BeforeEach
    void names() {
        cf = fixture.emulator;
        site = fixture.site;
    }

    private CloudflareClient client(String token) {
        return new CloudflareClient(cf.url(), token, TestSites.retry(time));
    }

    @Test
    void a429IsRetriedAfterTheRetryAfterDelayTheServerAsked() {
        cf.rateLimitNext(2, 7);
        try (CloudflareClient client = client(site.token())) {
            assertTrue(client.zoneNamed("example.com").isPresent());
        }
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), time.waits());
        assertEquals(3, cf.requests().size(), "two 429s, then the answer");
    }

    @Test
    void retriesStopAfterTheBoundAndTheLast429BecomesASentence() {
        cf.rateLimitNext(10, 1);
        try (CloudflareClient client = client(site.token())) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class, () -> client.zoneNamed("example.com"));
            assertEquals(429, e.httpStatus());
            assertTrue(e.getMessage().startsWith("Cloudflare rate-limited this API token while trying to look up the zone"),
                    e.getMessage());
        }
        assertEquals(3, time.waits().size());
        assertEquals(4, cf.requests().size());
    }

    @Test
    void aRetryAfterLongerThanTheMaximumWaitIsNotSlept() {
        cf.rateLimitNext(1, 300);
        try (CloudflareClient client = client(site.token())) {
            assertThrows(CloudflareApiException.class, () -> client.zoneNamed("example.com"));
        }
        assertEquals(List.of(), time.waits());
    }

    @Test
    void aTokenWithoutDnsEditIsToldWhichPermissionToAdd() {
        String token = cf.addUserToken(Set.of(Permission.ZONE_READ, Permission.TUNNEL_EDIT), site.accountId());
        try (CloudflareClient client = client(token)) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class,
                    () -> client.dnsRecordsNamed(site.zoneId(), "*.example.com"));
            assertEquals(403, e.httpStatus());
            assertTrue(e.getMessage().contains("lacks the permission Zone · DNS · Edit"), e.getMessage());
        }
    }

    @Test
    void aTokenWithoutTunnelEditIsToldWhichPermissionToAdd() {
        String token = cf.addUserToken(Set.of(Permission.ZONE_READ, Permission.DNS_EDIT), site.accountId());
        try (CloudflareClient client = client(token)) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class,
                    () -> client.tunnelNamed(site.accountId(), "cmux-gateway"));
            assertTrue(e.getMessage().contains("lacks the permission Account · Cloudflare Tunnel · Edit"), e.getMessage());
        }
    }

    @Test
    void anUnknownTokenIsReportedAsInvalidWithoutRepeatingIt() {
        String token = "x".repeat(40);
        try (CloudflareClient client = client(token)) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class, client::verifyUserToken);
            assertEquals(401, e.httpStatus());
            assertTrue(e.getMessage().contains("rejected the API token"), e.getMessage());
            assertFalse(e.getMessage().contains(token));
        }
    }

    @Test
    void aGlobalKeySentAsBearerIsExplainedAsTheWrongKindOfCredential() {
        String globalKey = "0123456789abcdef0123456789abcdef01234";
        try (CloudflareClient client = client(globalKey)) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class, () -> client.zoneNamed("example.com"));
            assertTrue(e.getMessage().contains("not a Global API Key"), e.getMessage());
            assertTrue(e.hasErrorCode(6111), "the chained code is kept");
            assertFalse(e.getMessage().contains(globalKey));
        }
    }

    @Test
    void anAccountOwnedTokenFailsTheUserEndpointAndPassesTheAccountOne() {
        String token = cf.addAccountToken(site.accountId(), CloudflareEmulator.ALL_PERMISSIONS);
        try (CloudflareClient client = client(token)) {
            assertEquals(401, assertThrows(CloudflareApiException.class, client::verifyUserToken).httpStatus());
            assertTrue(client.verifyAccountToken(site.accountId()).active());
        }
    }

    @Test
    void listsAreReadAcrossAllPages() {
        for (int i = 0; i < 130; i++) {
            cf.addDnsRecord(site.zoneId(), "TXT", "_check.example.com", "value-" + i, false);
        }
        try (CloudflareClient client = client(site.token())) {
            assertEquals(130, client.dnsRecordsNamed(site.zoneId(), "_check.example.com").size());
        }
        assertEquals(List.of(List.of("1"), List.of("2")),
                cf.requests().stream().map(r -> r.query().get("page")).toList());
    }

    @Test
    void anUnreachableApiIsOneSentenceNamingCfApiUrl() {
        try (CloudflareClient client = new CloudflareClient(URI.create("http://127.0.0.1:1/client/v4"), site.token(),
                TestSites.retry(time))) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class, client::verifyUserToken);
            assertTrue(e.getMessage().startsWith("Could not reach the Cloudflare API at 127.0.0.1"), e.getMessage());
            assertTrue(e.getMessage().contains("CF_API_URL"));
        }
    }

    @Test
    void theTunnelTokenIsTheBase64JsonCloudflaredParses() {
        try (CloudflareClient client = client(site.token())) {
            Tunnel tunnel = client.createTunnel(site.accountId(), "cmux-gateway");
            String token = client.tunnelToken(site.accountId(), tunnel.id());
            String decoded = new String(java.util.Base64.getDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(decoded.contains("\"t\":\"" + tunnel.id() + "\""), decoded);
            assertTrue(decoded.contains("\"a\":\"" + site.accountId() + "\""), decoded);
        }
    }

    @Test
    void aClientSharingTheProcessOkHttpClientLeavesItUsableAfterClose() {
        okhttp3.OkHttpClient shared = new okhttp3.OkHttpClient();
        new CloudflareClient(shared, cf.url(), site.token(), TestSites.retry(time)).close();

        try (CloudflareClient again = new CloudflareClient(shared, cf.url(), site.token(), TestSites.retry(time))) {
            assertTrue(again.zoneNamed("example.com").isPresent());
        }
        assertFalse(shared.dispatcher().executorService().isShutdown());
    }
}
