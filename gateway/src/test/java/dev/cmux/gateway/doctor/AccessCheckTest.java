package dev.cmux.gateway.doctor;

import dev.cmux.control.cloudflare.LocalProbe;
import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.gateway.access.LoopbackAccessTeam;
import dev.cmux.gateway.config.AccessConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Access part of doctor against a team's key server on loopback (its Date header is the reference clock). */
class AccessCheckTest {

    private LoopbackAccessTeam team;

    @BeforeEach
    void start() throws Exception {
        team = LoopbackAccessTeam.start("k1", "k2");
    }

    @AfterEach
    void stop() {
        team.close();
    }

    @Test
    void onWithReachableKeysAndAGoodClockPasses() {
        List<StatusLine> lines = check(team.config(List.of()), true, Clock.systemUTC());
        assertEquals(List.of("Access", "clock"), lines.stream().map(StatusLine::subject).toList());
        assertTrue(lines.stream().allMatch(StatusLine::ok), lines.toString());
        assertTrue(lines.get(0).detail().contains("team myteam") && lines.get(0).detail().contains("2 signing keys"),
                lines.get(0).detail());
    }

    @Test
    void offWhileATunnelPublishesTheSandboxesFailsAndSaysHowToTurnItOn() {
        StatusLine off = check(AccessConfig.disabled(), true, Clock.systemUTC()).get(0);
        assertFalse(off.ok());
        assertTrue(off.fix().contains("tunnel setup --access-allow"), off.fix());
        assertTrue(check(AccessConfig.disabled(), false, Clock.systemUTC()).get(0).ok(), "no tunnel: nothing is open");
    }

    @Test
    void keysThatCannotBeFetchedFail() {
        team.answer(500);
        StatusLine keys = check(team.config(List.of()), true, Clock.systemUTC()).get(0);
        assertFalse(keys.ok());
        assertTrue(keys.detail().endsWith(": HTTP 500"), keys.detail());
    }

    @Test
    void aClockMinutesOffCloudflaresFails() {
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5));
        StatusLine clock = check(team.config(List.of()), true, late).get(1);
        assertFalse(clock.ok());
        assertTrue(clock.detail().startsWith("300 s off") || clock.detail().startsWith("299 s off")
                || clock.detail().startsWith("301 s off"), clock.detail());
        assertTrue(clock.fix().contains("timedatectl set-ntp true"), clock.fix());
    }

    private static List<StatusLine> check(AccessConfig access, boolean tunnel, Clock clock) {
        return new AccessCheck(access, tunnel, new LocalProbe(), clock).run();
    }
}
