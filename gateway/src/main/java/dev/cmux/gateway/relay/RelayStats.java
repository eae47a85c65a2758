package dev.cmux.gateway.relay;

import dev.cmux.gateway.log.AccessLog;

import java.util.concurrent.TimeUnit;

/** Bytes and lifetime of one upgraded connection, logged once when both sides are closed. */
final class RelayStats {

    private final AccessLog.Entry entry;
    private final AccessLog accessLog;
    private final long startNanos = System.nanoTime();
    private final Runnable onEnd;
    private final Runnable onTraffic;
    private int openSides = 2;

    RelayStats(AccessLog.Entry entry, AccessLog accessLog, Runnable onTraffic, Runnable onEnd) {
        this.entry = entry;
        this.accessLog = accessLog;
        this.onTraffic = onTraffic;
        this.onEnd = onEnd;
        entry.upgraded = true;
    }

    void fromClient(long bytes) {
        entry.bytesIn += bytes;
        onTraffic.run();
    }

    void fromBackend(long bytes) {
        entry.bytesOut += bytes;
        onTraffic.run();
    }

    /** Both relays run on one event loop, so a plain counter is enough. */
    void sideClosed() {
        if (--openSides == 0) {
            entry.durationMillis += TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            accessLog.log(entry);
            onEnd.run();
        }
    }
}
