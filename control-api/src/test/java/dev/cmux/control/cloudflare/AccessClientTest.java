package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Access calls of {@link CloudflareClient} against the emulator, which holds them to the Access spec subset. */
class AccessClientTest {

    @RegisterExtension
    final EmulatedSite fixture = new EmulatedSite();
    CloudflareEmulator cf;
    CloudflareClient client;
    String account;

    @BeforeEach
    void zeroTrust() {
        cf = fixture.emulator;
        client = fixture.client;
        account = fixture.site.accountId();
        cf.enableAccess(account, "myteam");
    }

    private ObjectNode app(String domain) {
        ObjectNode app = EmulatorReply.JSON.createObjectNode().put("type", "self_hosted").put("domain", domain);
        app.putArray("destinations").addObject().put("type", "public").put("uri", domain);
        return app;
    }

    @Test
    void theTeamNameIsTheAuthDomainWithoutCloudflareaccessCom() {
        assertEquals("myteam", client.accessTeamName(account));
    }

    @Test
    void anAppGetsAnAudWhichAnUpdateKeepsAndIsFoundByItsWildcardDomain() {
        AccessApp created = client.createAccessApp(account, app("*.example.com"));
        assertTrue(created.aud().matches("[0-9a-f]{64}"), created.aud());

        AccessApp updated = client.updateAccessApp(account, created.id(), created.asUpdate(created.links()).put("name", "sandboxes"));

        assertEquals(created.aud(), updated.aud());
        assertEquals(List.of(created.id()), client.accessAppsFor(account, "*.example.com").stream().map(AccessApp::id)
                .toList());
        assertEquals(List.of(), client.accessAppsFor(account, "*.example.org"));
    }

    @Test
    void aSecondAppForTheSameDomainIs409With11010() {
        client.createAccessApp(account, app("*.example.com"));

        CloudflareApiException e = assertThrows(CloudflareApiException.class,
                () -> client.createAccessApp(account, app("*.example.com")));

        assertEquals(409, e.httpStatus());
        assertTrue(e.hasErrorCode(11010));
    }

    @Test
    void anAppOutsideTheAccountsZonesIsRefusedAs12130() {
        CloudflareApiException e = assertThrows(CloudflareApiException.class,
                () -> client.createAccessApp(account, app("*.not-ours.net")));

        assertEquals(400, e.httpStatus());
        assertTrue(e.getMessage().contains("domain does not belong to zone"), e.getMessage());
    }

    @Test
    void policiesAreFoundByNameAndDeletedWithoutABody() {
        AccessPolicyRequest wanted = new AccessPolicyRequest("p", "allow", AccessAllow.parse("@example.com").includeRules());
        AccessPolicy created = client.createAccessPolicy(account, wanted);

        assertTrue(client.accessPolicyNamed(account, "p").orElseThrow().sameAs(wanted));
        client.deleteAccessPolicy(account, created);

        assertTrue(client.accessPolicyNamed(account, "p").isEmpty());
        assertEquals("", cf.requests().stream().filter(r -> r.method().equals("DELETE")).findFirst().orElseThrow()
                .body(), "the spec's DELETE takes no body");
    }

    @Test
    void aServiceTokensSecretComesOnceAndNeverInItsTextForm() {
        ServiceToken token = client.createServiceToken(account, "ci");

        assertTrue(token.clientId().endsWith(".access"), token.clientId());
        assertFalse(token.clientSecret().isEmpty());
        assertFalse(token.toString().contains(token.clientSecret()), token.toString());
        ServiceToken listed = client.serviceTokensNamed(account, "ci").get(0);
        assertEquals(token.id(), listed.id());
        assertEquals(null, listed.clientSecret(), "only the create answer carries the secret");
    }

    @Test
    void withoutZeroTrustTheSentenceSaysToChooseATeam() {
        CloudflareEmulator.Site other = cf.seedSite("example.net");

        try (CloudflareClient theirs = TestSites.client(TestSites.config(cf, other, "example.net", fixture.dir))) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class,
                    () -> theirs.accessTeamName(other.accountId()));

            assertEquals(403, e.httpStatus());
            assertTrue(e.getMessage().contains("choose a team name once under Zero Trust"), e.getMessage());
        }
    }

    @Test
    void aTokenWithoutTheAccessPermissionIsToldWhichOneToAdd() {
        String token = cf.addUserToken(Set.of(Permission.TUNNEL_EDIT, Permission.DNS_EDIT, Permission.ZONE_READ),
                account);
        try (CloudflareClient limited = new CloudflareClient(cf.url(), token, RetryPolicy.defaults())) {
            CloudflareApiException e = assertThrows(CloudflareApiException.class,
                    () -> limited.accessAppsFor(account, "*.example.com"));
            assertTrue(e.getMessage().contains(Permission.ACCESS_APPS_EDIT.label()), e.getMessage());
        }
    }
}
