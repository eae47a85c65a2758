package dev.cmux.control.api;

import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.SandboxMetadata;

import java.time.Duration;
import java.util.Set;

/**
 * A sandbox's own lifecycle settings as {@code POST /v1/sandboxes} and {@code PATCH /v1/sandboxes/{vmid}} take them:
 * {@code "ttl":"2h"} (or {@code "off"}), {@code "idlePolicy":"destroy|stop|keep"} (what the TTL does),
 * {@code "autoStop":{"after":"30m","action":"pause|suspend|hibernate|stop","then":{…a later, deeper step…}}}
 * ({@code "idle"} is its older name),
 * {@code "autoDelete":"7d"} (or {@code "off"}), {@code "protected":true}. In a PATCH an absent field keeps its
 * value and {@code null} resets it (to no TTL, or to the gateway's default).
 *
 * @param given the fields the body named
 */
record LifecycleFields(Duration ttl, String idlePolicy, IdlePolicy autoStop, Duration autoDelete, boolean protect,
                       Set<String> given) {

    static final Set<String> FIELDS = Set.of("ttl", "idlePolicy", "autoStop", "idle", "autoDelete", "protected");
    static final Set<String> AUTO_STOP_FIELDS = Set.of("after", "action", "then");
    private static final String OFF = "off";

    static LifecycleFields read(StrictJson json) {
        Duration ttl = duration(json, "ttl");
        String policy = json.oneOf("idlePolicy",
                Set.of(SandboxMetadata.DESTROY, SandboxMetadata.STOP, SandboxMetadata.KEEP));
        if (json.has("autoStop") && json.has("idle")) {
            json.error("idle", "is the older name of autoStop: give one of them");
        }
        String autoStopField = json.has("idle") ? "idle" : "autoStop";
        IdlePolicy autoStop = autoStop(json.object(autoStopField, AUTO_STOP_FIELDS));
        Duration autoDelete = duration(json, "autoDelete");
        boolean protect = json.bool("protected");
        Set<String> given = FIELDS.stream().filter(json::has)
                .map(f -> f.equals("idle") ? "autoStop" : f).collect(java.util.stream.Collectors.toSet());
        return new LifecycleFields(ttl, policy, autoStop, autoDelete, protect, given);
    }

    /** The metadata with the given fields changed (PATCH). */
    SandboxMetadata applyTo(SandboxMetadata m) {
        return new SandboxMetadata(m.owner(), m.created(), given.contains("ttl") ? ttl : m.ttl(),
                given.contains("idlePolicy") ? (idlePolicy == null ? SandboxMetadata.DESTROY : idlePolicy)
                        : m.idlePolicy(),
                given.contains("autoStop") ? autoStop : m.idle(),
                given.contains("autoDelete") ? autoDelete : m.autoDelete(),
                given.contains("protected") ? protect : m.protect(), m.stoppedAt(), m.image());
    }

    /** {@code "after": "30m"}; {@code "after": "0s"} turns auto-stop off for this sandbox. */
    private static IdlePolicy autoStop(StrictJson json) {
        if (json == null) {
            return null;
        }
        String afterText = json.string("after", 32, true);
        Duration after = afterText == null ? null : DurationText.parse(afterText);
        if (afterText != null && (after == null || after.isNegative())) {
            json.error("after", "must be a duration such as 90s, 30m, 2h or PT30M (0s: never)");
        }
        String action = json.oneOf("action", IdlePolicy.ACTIONS);
        IdlePolicy then = autoStop(json.object("then", AUTO_STOP_FIELDS));
        if (after == null || after.isNegative()) {
            return null;
        }
        try {
            return new IdlePolicy(after, action == null ? IdlePolicy.STOP : action, then);
        } catch (IllegalArgumentException e) {
            json.error("then", e.getMessage());
            return null;
        }
    }

    /** A positive duration, or {@code "off"} (zero: never); null when absent or null. */
    private static Duration duration(StrictJson json, String field) {
        String text = json.string(field, 32, false);
        if (text == null) {
            return null;
        }
        if (OFF.equals(text)) {
            return Duration.ZERO;
        }
        Duration d = DurationText.parse(text);
        if (d == null || d.isNegative()) {
            json.error(field, "must be a duration such as 90s, 30m, 2h, 7d or PT2H, or \"off\"");
        }
        return d;
    }
}
