package dev.cmux.control.api;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cmux.control.exec.ExecResult;
import dev.cmux.control.image.TemplateView;
import dev.cmux.control.lifecycle.NextAction;
import dev.cmux.control.lifecycle.NextActions;
import dev.cmux.control.sandbox.Operation;
import dev.cmux.control.sandbox.Orphans;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxMetadata;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of the API, in one place: what clients (and the CLI) read. */
final class JsonViews {

    private static final TypeReference<LinkedHashMap<String, Object>> RECORD = new TypeReference<>() {
    };

    private JsonViews() {
    }

    static Map<String, Object> sandbox(Sandbox s) {
        return sandbox(s, ActivityView.NONE, NextActions.NONE);
    }

    static Map<String, Object> sandbox(Sandbox s, ControlServices services) {
        return sandbox(s, services.wiring().activity(), services.wiring().nextActions());
    }

    static Map<String, Object> sandbox(Sandbox s, ActivityView activity, NextActions plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("vmid", s.vmid());
        json.put("kind", s.kind().apiName());
        json.put("hostname", s.hostname());
        json.put("node", s.node());
        json.put("status", s.status());
        if (s.lock() != null) {
            json.put("lock", s.lock());
        }
        json.put("address", s.address());
        SandboxMetadata m = s.metadata();
        if (m != null) {
            json.put("owner", m.owner());
            json.put("created", m.created().toString());
            json.put("ttl", m.ttl() == null ? null : m.ttl().toString());
            json.put("expires", m.ttl() == null ? null : m.created().plus(m.ttl()).toString());
            json.put("idlePolicy", m.idlePolicy());
            if (m.idle() != null) {
                json.put("autoStop", m.idle().toJson());
            }
            if (m.autoDelete() != null) {
                json.put("autoDelete", m.autoDelete().isZero() ? "off" : m.autoDelete().toString());
            }
            json.put("protected", m.protect());
            if (m.stoppedAt() != null) {
                json.put("stoppedAt", m.stoppedAt().toString());
            }
            json.put("preset", m.image());
        }
        json.put("lastActivity", activity.lastActivity(s.vmid()).map(Object::toString).orElse(null));
        json.put("openWebSockets", activity.openWebSockets(s.vmid()));
        json.put("nextAction", plan.of(s).map(JsonViews::nextAction).orElse(null));
        json.put("urls", s.urls());
        json.put("instanceUrls", s.instanceUrls());
        return json;
    }

    private static Map<String, Object> nextAction(NextAction next) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("action", next.action());
        json.put("reason", next.reason());
        json.put("at", next.at().toString());
        return json;
    }

    static Map<String, Object> orphan(Orphans.Orphan o) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("vmid", o.vmid());
        json.put("node", o.node());
        json.put("name", o.name());
        json.put("status", o.status());
        json.put("tagged", o.tagged());
        return json;
    }

    static Map<String, Object> operation(Operation op) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", op.id());
        json.put("kind", op.kind());
        json.put("vmid", op.vmid());
        json.put("state", op.state());
        json.put("created", op.created().toString());
        json.put("finished", op.finished() == null ? null : op.finished().toString());
        json.put("href", "/v1/operations/" + op.id());
        json.put("source", op.source());
        if (op.urls() != null) {
            json.put("urls", op.urls());
        }
        if (op.result() instanceof Sandbox s) {
            json.put("sandbox", sandbox(s));
        }
        if (op.result() instanceof TemplateView t) {
            json.put("template", ImageViews.template(t));
        }
        if (op.failure() != null) {
            ApiError e = ApiErrors.from(op.failure());
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("status", e.status().code());
            error.put("code", e.code());
            error.put("message", e.getMessage());
            if (e.details() != null) {
                error.put("details", e.details());
            }
            json.put("error", error);
        }
        return json;
    }

    /** The record as Jackson writes one: its components by name, in order. */
    static Map<String, Object> exec(ExecResult r) {
        return ApiResponse.JSON.convertValue(r, RECORD);
    }
}
