package dev.cmux.gateway.wake;

import dev.cmux.control.api.ActivityView;
import dev.cmux.gateway.exchange.SandboxTraffic;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When each sandbox last had traffic through this gateway: a request that reached it, or bytes either way on an
 * upgraded connection; and how many upgraded connections (WebSockets) to it are open. The idle policy reads it;
 * {@code GET /v1/sandboxes} shows it. Only sandboxes that answered a
 * connection are counted, so requests for made-up vmids cannot grow the table.
 */
public final class SandboxActivity implements ActivityView, SandboxTraffic {

    private final Clock clock;
    private final ConcurrentHashMap<Integer, Mark> marks = new ConcurrentHashMap<>();

    public SandboxActivity(Clock clock) {
        this.clock = clock;
    }

    /** The mark of {@code vmid}: hold it where traffic passes often (an upgraded connection) and touch it there. */
    public Mark mark(int vmid) {
        return marks.computeIfAbsent(vmid, v -> new Mark(clock));
    }

    @Override
    public Runnable marker(int vmid) {
        return mark(vmid)::touch;
    }

    @Override
    public void touch(int vmid) {
        mark(vmid).touch();
    }

    @Override
    public Runnable upgraded(int vmid) {
        Mark mark = mark(vmid);
        mark.open.incrementAndGet();
        return mark.open::decrementAndGet;
    }

    @Override
    public int openWebSockets(int vmid) {
        Mark m = marks.get(vmid);
        return m == null ? 0 : m.open.get();
    }

    /** Epoch milliseconds of the last traffic, 0 when none was seen. */
    public long lastMillis(int vmid) {
        Mark m = marks.get(vmid);
        return m == null ? 0 : m.lastMillis;
    }

    @Override
    public Optional<Instant> lastActivity(int vmid) {
        long last = lastMillis(vmid);
        return last == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last));
    }

    /**
     * One sandbox's last traffic, written from every event loop (a store only when the millisecond changed), and its
     * upgraded connections open now.
     */
    public static final class Mark {
        private final Clock clock;
        private volatile long lastMillis;
        private final AtomicInteger open = new AtomicInteger();

        private Mark(Clock clock) {
            this.clock = clock;
        }

        public void touch() {
            long now = clock.millis();
            if (now != lastMillis) {
                lastMillis = now;
            }
        }
    }
}
