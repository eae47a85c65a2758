package dev.cmux.gateway.access;

import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.control.testing.Await;
import dev.cmux.control.testing.LogCapture;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;

import static dev.cmux.gateway.access.LoopbackAccessTeam.AUD;
import static dev.cmux.gateway.access.LoopbackAccessTeam.ISSUER;
import static dev.cmux.gateway.access.LoopbackAccessTeam.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate with nimbus underneath, on an injected clock, against a team on loopback that counts its JWKS fetches:
 * what is answered at once, what waits for the key thread, and how often the team is asked.
 */
class AccessGateTest {

    private static final Instant START = Instant.parse("2026-12-06T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private LoopbackAccessTeam team;
    private AccessGate gate;

    @BeforeEach
    void start() throws Exception {
        team = LoopbackAccessTeam.start("k1");
        gate = AccessGate.create(team.config(List.of()), clock);
    }

    @AfterEach
    void stop() {
        team.close();
    }

    @Test
    void theFirstFetchRunsOnTheKeyThreadAndTheCallerDoesNotWait() throws Exception {
        team.hold();
        CompletableFuture<Void> admitted = admit(valid("k1", 300));
        assertFalse(admitted.isDone(), "the caller got its future while the team has not answered");
        team.release();
        admitted.join();
        assertEquals(1, team.fetches());
    }

    @Test
    void aKeyAtHandAnswersAtOnce() throws Exception {
        admit(valid("k1", 300)).join();
        assertAdmittedAtOnce(valid("k1", 301));
        assertEquals(1, team.fetches());
    }

    @Test
    void aRotatedKeyIsFetchedOnce() throws Exception {
        admit(valid("k1", 300)).join();
        team.publish("k2");
        admit(valid("k2", 300)).join();
        assertEquals(2, team.fetches());
        assertAdmittedAtOnce(valid("k2", 301));
        assertEquals(2, team.fetches());
    }

    @Test
    void aFloodOfUnknownKidsFetchesAtMostTwiceIn30Seconds() throws Exception {
        admit(valid("k1", 3600)).join();
        for (int i = 0; i < 50; i++) {
            assertRefused(admit(valid("forged-" + i, 3600)), "a key the team does not publish");
        }
        assertEquals(2, team.fetches(), "the first fetch and one refetch share a 30 s window");
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 50; i++) {
            assertRefused(admit(valid("forged-again-" + i, 3600)), "a key the team does not publish");
        }
        assertEquals(4, team.fetches(), "two more in the next window, however many kids");
        assertAdmittedAtOnce(valid("k1", 3601));
    }

    @Test
    void onlyRs256IsAccepted() throws Exception {
        String claims = LoopbackAccessTeam.claims(AUD, ISSUER, START.getEpochSecond(), 300, 0);
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(team.keyPair("k1").getPublic().getEncoded(), "HmacSHA256"));
        String hs256Head = b64("{\"alg\":\"HS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}") + "." + b64(claims);
        String hs256 = hs256Head + "." + b64(hmac.doFinal(hs256Head.getBytes(StandardCharsets.US_ASCII)));
        String none = b64("{\"alg\":\"none\",\"kid\":\"k1\"}") + "." + b64(claims) + ".";
        String rs512 = LoopbackAccessTeam.sign("RS512", "SHA512withRSA", "k1", team.keyPair("k1"), claims);
        for (String token : List.of(hs256, none, rs512)) {
            assertRefusedAtOnce(token, "not signed with RS256");
        }
        assertEquals(0, team.fetches());
    }

    @Test
    void foreignExpiredAndNotYetValidTokensAreRefusedWithoutAskingForKeys() throws Exception {
        assertRefusedAtOnce(token("k1", "0".repeat(64), ISSUER, 300, 0), "another application");
        assertRefusedAtOnce(token("k1", AUD, "https://evil.cloudflareaccess.com", 300, 0), "another team");
        assertRefusedAtOnce(token("k1", AUD, ISSUER, -61, -600), "expired");
        assertRefusedAtOnce(token("k1", AUD, ISSUER, 900, 61), "not valid yet");
        assertRefusedAtOnce(token("rotated-away", AUD, ISSUER, -3600, -7200), "expired");
        assertEquals(0, team.fetches());
    }

    @Test
    void aServiceTokenWithoutEmailOrNbfPassesAndIsLoggedByItsClientId() throws Exception {
        try (LogCapture logged = LogCapture.of("cmux-gateway", Level.INFO)) {
            String clientId = "88bf3b6d86161464f6509f7219099e57.access";
            admit(team.token("k1", LoopbackAccessTeam.serviceTokenClaims(AUD, ISSUER, START.getEpochSecond(), 300,
                    clientId))).join();
            admit(valid("k1", 300)).join();
            Await.until(() -> logged.messages().size() >= 2, "two log lines; so far " + logged.messages());
            assertEquals(List.of("Access admitted service token " + clientId, "Access admitted user@example.com"),
                    logged.messages());
        }
    }

    @Test
    void aServiceTokenForAnotherApplicationIsRefused() throws Exception {
        assertRefusedAtOnce(team.token("k1", LoopbackAccessTeam.serviceTokenClaims("0".repeat(64), ISSUER,
                START.getEpochSecond(), 300, "x.access")), "another application");
    }

    @Test
    void theClockSkewIsAllowedEitherWay() throws Exception {
        admit(token("k1", AUD, ISSUER, -59, -600)).join();
        admit(token("k1", AUD, ISSUER, 900, 59)).join();
    }

    @Test
    void aRememberedTokenExpiresOnTheInjectedClock() throws Exception {
        String token = valid("k1", 120);
        admit(token).join();
        clock.advance(Duration.ofSeconds(120 + 60 + 1));
        assertRefused(admit(token), "expired");
    }

    @Test
    void knownKeysStayUsableWhileTheTeamCannotBeReached() throws Exception {
        admit(valid("k1", 3600)).join();
        team.answer(500);
        clock.advance(Duration.ofMinutes(6));
        admit(valid("k1", 3600)).join();
        assertEquals(2, team.fetches(), "it was asked once more, and failed");
    }

    @Test
    void withoutKeysTokensAreRefusedAndTheTeamIsNotHammered() throws Exception {
        team.answer(503);
        for (int i = 0; i < 10; i++) {
            assertRefused(admit(valid("k1", 300 + i)), "keys could not be fetched");
        }
        assertEquals(2, team.fetches());
    }

    private CompletableFuture<Void> admit(String token) {
        HttpHeaders headers = new DefaultHttpHeaders().set(AccessGate.HEADER, token);
        return gate.admit(headers, true, "port-3000-vm-280.example.com", 3000);
    }

    private String valid(String kid, long expIn) throws Exception {
        return token(kid, AUD, ISSUER, expIn, 0);
    }

    private String token(String kid, String aud, String iss, long expIn, long nbfIn) throws Exception {
        return team.token(kid, LoopbackAccessTeam.claims(aud, iss, clock.instant().getEpochSecond(), expIn, nbfIn));
    }

    private void assertAdmittedAtOnce(String token) {
        CompletableFuture<Void> admitted = admit(token);
        assertTrue(admitted.isDone(), "a token whose key is at hand needs no thread hop");
        admitted.join();
    }

    private void assertRefusedAtOnce(String token, String why) {
        CompletableFuture<Void> refused = admit(token);
        assertTrue(refused.isDone(), "refused without a thread hop: " + why);
        assertRefused(refused, why);
    }

    private static void assertRefused(CompletableFuture<Void> admitted, String why) {
        CompletionException e = assertThrows(CompletionException.class, admitted::join);
        assertTrue(e.getCause() instanceof AccessDenied, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains(why), "expected '" + why + "': " + e.getCause().getMessage());
    }
}
