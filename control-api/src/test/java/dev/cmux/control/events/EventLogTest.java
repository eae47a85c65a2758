package dev.cmux.control.events;

import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.control.sandbox.FirstTask;
import dev.cmux.control.sandbox.Operations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));

    @Test
    void keepsTheLatestEventsNewestFirst() {
        EventLog log = new EventLog(clock);
        for (int i = 0; i < EventLog.CAPACITY + 5; i++) {
            log.record("wake", 100 + i, true, Duration.ofMillis(i), null);
            clock.advance(Duration.ofSeconds(1));
        }
        List<SandboxEvent> recent = log.recent();
        assertEquals(EventLog.CAPACITY, recent.size());
        assertEquals(100 + EventLog.CAPACITY + 4, recent.get(0).vmid());
        assertEquals(105, recent.get(recent.size() - 1).vmid(), "the five oldest went");
        assertEquals(Long.valueOf(EventLog.CAPACITY + 4), recent.get(0).duration());
    }

    @Test
    void aFinishedOperationIsAnEventWithItsDurationAndAFailureWithItsReason() {
        Operations operations = new Operations(clock);
        operations.submit("start", new FirstTask<>(321, null, () -> {
            clock.advance(Duration.ofMillis(1500));
            return null;
        })).proceed();
        operations.submit("destroy", new FirstTask<>(322, null, () -> {
            throw new IllegalStateException("CT 322 is locked (disk)");
        })).proceed();
        List<SandboxEvent> recent = operations.events().recent();
        assertEquals(2, recent.size());
        SandboxEvent failed = recent.get(0);
        assertEquals("destroy", failed.kind());
        assertFalse(failed.ok());
        assertEquals("CT 322 is locked (disk)", failed.message());
        SandboxEvent started = recent.get(1);
        assertEquals("start", started.kind());
        assertTrue(started.ok());
        assertEquals(Long.valueOf(1500), started.duration());
    }
}
