package dev.cmux.control.ui;

import dev.cmux.control.sandbox.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final Sessions sessions = new Sessions(clock);

    @Test
    void idsAndCsrfTokensAreRandomAndLong() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Sessions.Session s = sessions.open();
            assertEquals(43, s.id().length(), "32 random bytes, base64url");
            assertNotEquals(s.id(), s.csrf());
            assertTrue(seen.add(s.id()) && seen.add(s.csrf()));
        }
    }

    @Test
    void aSessionEndsAfterAnIdleHourButUseKeepsItAlive() {
        Sessions.Session s = sessions.open();
        clock.advance(Sessions.IDLE.minusMinutes(1));
        assertTrue(sessions.find(s.id()).isPresent(), "used within the hour");
        clock.advance(Sessions.IDLE.minusMinutes(1));
        assertTrue(sessions.find(s.id()).isPresent(), "the hour counts from the last use");
        clock.advance(Sessions.IDLE);
        assertFalse(sessions.find(s.id()).isPresent(), "idle for an hour: gone");
        assertEquals(0, sessions.size());
    }

    @Test
    void atMostMaxSessionsAndTheOneIdleLongestEnds() {
        Sessions.Session first = sessions.open();
        clock.advance(Duration.ofSeconds(1));
        Sessions.Session second = sessions.open();
        for (int i = 2; i < Sessions.MAX; i++) {
            clock.advance(Duration.ofSeconds(1));
            sessions.open();
        }
        sessions.find(first.id()); // used again: now the second is idle longest
        sessions.open();
        assertEquals(Sessions.MAX, sessions.size());
        assertTrue(sessions.find(first.id()).isPresent());
        assertFalse(sessions.find(second.id()).isPresent());
    }

    @Test
    void csrfTokensAreComparedWholly() {
        Sessions.Session s = sessions.open();
        assertTrue(s.csrfMatches(s.csrf()));
        assertFalse(s.csrfMatches(s.csrf().substring(1)));
        assertFalse(s.csrfMatches(null));
        assertFalse(s.csrfMatches(""));
    }

    @Test
    void closingEndsASession() {
        Sessions.Session s = sessions.open();
        sessions.close(s.id());
        assertFalse(sessions.find(s.id()).isPresent());
        assertFalse(sessions.find(null).isPresent());
    }
}
