package dev.cmux.bench.load;

/**
 * When a connection's next request is meant to start. Latency is measured from that intended time, not from when
 * the request was actually written: a stalled server then shows as the queueing it causes (no coordinated
 * omission, Gil Tene's correction).
 */
public interface Pacing {

    /** Sentinel: the run is over for this connection. */
    long STOP = Long.MIN_VALUE;

    /** @return the intended start of the next request (may lie in the past), or {@link #STOP} */
    long next(long now);

    /** Closed loop: the next request starts when the previous answer ended, until the deadline. */
    static Pacing closedLoop(long deadline) {
        return now -> now < deadline ? now : STOP;
    }

    /**
     * Open loop: request k of this connection is due at {@code start + k * interval}, whether or not the previous
     * one has been answered; one connection keeps one request in flight, so a late answer delays the next request
     * and that delay is counted in its latency.
     */
    static Pacing constantRate(long start, long intervalNanos, long deadline) {
        return new Pacing() {
            private long due = start;

            @Override
            public long next(long now) {
                long t = due;
                if (t >= deadline) {
                    return STOP;
                }
                due += intervalNanos;
                return t;
            }
        };
    }
}
