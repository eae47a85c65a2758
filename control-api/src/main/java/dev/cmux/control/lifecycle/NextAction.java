package dev.cmux.control.lifecycle;

import java.time.Instant;

/**
 * What the lifecycle will do to a sandbox next, and when ({@code nextAction} of {@code GET /v1/sandboxes/{vmid}}).
 *
 * @param action {@link #PAUSE}, {@link #SUSPEND}, {@link #HIBERNATE}, {@link #STOP} or {@link #DESTROY}
 * @param reason {@link #AUTO_STOP}, {@link #TTL} or {@link #AUTO_DELETE}
 * @param at     the earliest time; the pass after it acts
 */
public record NextAction(String action, String reason, Instant at) {

    public static final String SUSPEND = "suspend";
    public static final String PAUSE = "pause";
    public static final String HIBERNATE = "hibernate";
    public static final String STOP = "stop";
    public static final String DESTROY = "destroy";
    public static final String AUTO_STOP = "autoStop";
    public static final String TTL = "ttl";
    public static final String AUTO_DELETE = "autoDelete";

    public boolean due(Instant now) {
        return !at.isAfter(now);
    }
}
