package dev.cmux.control.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that happened to a sandbox: a wake, a sleep, an operation of the API (create, destroy, start, stop, …).
 *
 * @param kind     {@code wake}, {@code sleep}, or the operation's kind
 * @param vmid     the sandbox, or null when a create failed before it had one
 * @param ok       false when it failed
 * @param duration how long it took in milliseconds, or null when not measured
 * @param message  why it failed (PVE's reason when PVE said no), or a note; null when there is nothing to say
 */
public record SandboxEvent(Instant time, String kind, Integer vmid, boolean ok, Long duration, String message) {

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", time.toString());
        json.put("kind", kind);
        json.put("vmid", vmid);
        json.put("ok", ok);
        json.put("durationMs", duration);
        json.put("message", message);
        return json;
    }
}
