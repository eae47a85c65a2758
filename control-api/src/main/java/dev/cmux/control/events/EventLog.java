package dev.cmux.control.events;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The last {@value #CAPACITY} sandbox events of this gateway, in memory, for the operator's page
 * ({@code GET /v1/events}). Events are a few a minute at most (PVE operations, wakes), so a lock is fine here.
 */
public final class EventLog {

    static final int CAPACITY = 200;

    private final Clock clock;
    private final ArrayDeque<SandboxEvent> events = new ArrayDeque<>(CAPACITY);

    public EventLog(Clock clock) {
        this.clock = clock;
    }

    /** Records that {@code kind} happened to {@code vmid} now; {@code took} may be null. */
    public void record(String kind, Integer vmid, boolean ok, Duration took, String message) {
        SandboxEvent e = new SandboxEvent(clock.instant(), kind, vmid, ok, took == null ? null : took.toMillis(),
                message);
        synchronized (events) {
            if (events.size() == CAPACITY) {
                events.pollFirst();
            }
            events.addLast(e);
        }
    }

    /** Newest first. */
    public List<SandboxEvent> recent() {
        synchronized (events) {
            List<SandboxEvent> copy = new ArrayList<>(events);
            Collections.reverse(copy);
            return copy;
        }
    }

    /** The JSON of {@code GET /v1/events}. */
    public Map<String, Object> view() {
        return Map.of("events", recent().stream().map(SandboxEvent::json).toList());
    }
}
