package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.SandboxId;
import dev.cmux.control.sandbox.SandboxKind;
import okhttp3.ConnectionPool;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A thin typed facade over the PVE REST API ({@code /api2/json}). Calls block: they run on the control API's PVE
 * executor, never on an event loop. POST and PUT send form fields; GET and DELETE send query parameters (PVE
 * refuses a body on them). Booleans go as {@code 0}/{@code 1}, the only form PVE accepts in form encoding.
 * Failures become {@link PveException} carrying PVE's own message; the token never appears in one.
 */
public final class PveClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpUrl base;
    private final OkHttpClient http;

    PveClient(HttpUrl base, OkHttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** A client for {@code config}; its TLS policy is described in {@link PveTls}. */
    public static PveClient create(PveConfig config) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("PVE is not configured: set PVE_API_URL and PVE_API_TOKEN");
        }
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(60))
                .callTimeout(Duration.ofSeconds(90))
                // OkHttp would resend a POST whose answer was lost; a resent clone leaves a stray container.
                // Only GETs are retried (in call), and idle connections are dropped before PVE drops them.
                .retryOnConnectionFailure(false)
                .connectionPool(new ConnectionPool(4, 3, TimeUnit.SECONDS))
                .addInterceptor(new PveTokenAuth(config.apiToken()));
        PveTls.apply(config, builder);
        return new PveClient(apiBase(config.apiUrl().toString()), builder.build());
    }

    /** Accepts {@code https://host:8006} as well as {@code https://host:8006/api2/json}. */
    static HttpUrl apiBase(String url) {
        HttpUrl parsed = HttpUrl.get(url);
        String path = parsed.encodedPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith("/api2/json")) {
            path = path + "/api2/json";
        }
        return parsed.newBuilder().encodedPath(path).build();
    }

    // ---- typed calls ----

    /** {@code GET /version}: e.g. {@code {"version":"9.2.11","release":"9.2",...}}. */
    public JsonNode version() {
        return get("/version", Map.of());
    }

    /** {@code GET /nodes}. */
    public JsonNode nodes() {
        return get("/nodes", Map.of());
    }

    /** {@code GET /nodes/{node}/dns}: {@code search} and name servers from the node's resolv.conf. */
    public JsonNode dns(String node) {
        return get("/nodes/" + segment(node) + "/dns", Map.of());
    }

    /**
     * {@code GET /access/permissions?path=…}: the caller's privileges on exactly that path, as PVE works them out
     * (pve-qemu-cluster.md §5.1: a privilege is granted when its key is present).
     */
    public JsonNode permissions(String path) {
        return get("/access/permissions", Map.of("path", path));
    }

    /** {@code GET /cluster/nextid}: a suggestion only, not a reservation. */
    public int nextId() {
        JsonNode id = get("/cluster/nextid", Map.of());
        int vmid = PveJson.intValue(id, -1);
        if (!SandboxId.inRange(vmid)) {
            throw new PveException(200, "PVE answered /cluster/nextid with " + id, null);
        }
        return vmid;
    }

    /** {@code GET /cluster/resources?type=vm}: every guest of the cluster with its node, tags and lock. */
    public JsonNode vmResources() {
        return get("/cluster/resources", Map.of("type", "vm"));
    }

    /** {@code POST /nodes/{node}/lxc/{source}/clone}; returns the task's UPID. */
    public String cloneContainer(String node, int source, int newId, String hostname, boolean full) {
        return cloneContainer(node, source, newId, hostname, full, null, null, null);
    }

    /**
     * {@code POST /nodes/{node}/lxc/{source}/clone} onto {@code storage} (full clones only; null: the source's), with
     * {@code description} and from the snapshot {@code snapname} when not null; returns the task's UPID.
     */
    public String cloneContainer(String node, int source, int newId, String hostname, boolean full, String storage,
                                 String description, String snapname) {
        return cloneContainer(node, source, newId, hostname, full, storage, description, snapname, null);
    }

    /**
     * As {@link #cloneContainer(String, int, int, String, boolean, String, String, String)}, the clone going to node
     * {@code target} when not null (PVE allows it only when the source's volumes are on shared storage).
     */
    public String cloneContainer(String node, int source, int newId, String hostname, boolean full, String storage,
                                 String description, String snapname, String target) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("newid", newId);
        form.put("hostname", hostname);
        form.put("full", full);
        if (storage != null) {
            form.put("storage", storage);
        }
        if (description != null) {
            form.put("description", description);
        }
        if (snapname != null) {
            form.put("snapname", snapname);
        }
        if (target != null) {
            form.put("target", target);
        }
        return upid(post(lxc(node, source) + "/clone", form));
    }

    /**
     * {@code GET …/feature?feature=clone|snapshot|copy[&snapname=]}: whether every volume's storage can do it (of
     * that snapshot, when not null).
     */
    public boolean hasFeature(String node, int vmid, String feature, String snapname) {
        return hasFeature(node, SandboxKind.LXC, vmid, feature, snapname);
    }

    /** {@code GET /nodes/{node}/{lxc|qemu}/{vmid}/feature}, as {@link #hasFeature(String, int, String, String)}. */
    public boolean hasFeature(String node, SandboxKind kind, int vmid, String feature, String snapname) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("feature", feature);
        if (snapname != null) {
            query.put("snapname", snapname);
        }
        return PveJson.intValue(get(guest(node, kind, vmid) + "/feature", query).get("hasFeature"), 0) == 1;
    }

    /** {@code GET /nodes/{node}/storage?enabled=1}: the enabled storages of a node, with {@code shared} and room. */
    public JsonNode storages(String node) {
        return get("/nodes/" + segment(node) + "/storage", Map.of("enabled", true));
    }

    /** {@code GET /nodes/{node}/storage?content=…&enabled=1}: the enabled storages that hold {@code content}. */
    public JsonNode storages(String node, String content) {
        return get("/nodes/" + segment(node) + "/storage", Map.of("content", content, "enabled", true));
    }

    /** {@code PUT …/resize} {@code disk, size} (e.g. {@code 32G}: absolute; PVE refuses to shrink); a UPID. */
    public String resize(String node, int vmid, String disk, String size) {
        return upid(put(lxc(node, vmid) + "/resize", Map.of("disk", disk, "size", size)));
    }

    /** {@code POST …/template}: answers null; PVE's {@code vztemplate} worker then converts in the background. */
    public void convertToTemplate(String node, int vmid) {
        post(lxc(node, vmid) + "/template", Map.of());
    }

    /**
     * {@code GET /nodes/{node}/tasks?vmid=…&typefilter=…&source=all}: the tasks of one guest and type, newest
     * first, {@code status} {@code RUNNING} or the exit text. The way to learn how a {@code vztemplate} worker ended.
     */
    public JsonNode tasks(String node, int vmid, String type) {
        return get("/nodes/" + segment(node) + "/tasks", Map.of("vmid", vmid, "typefilter", type, "source", "all"));
    }

    /** {@code GET …/snapshot}: the snapshots and a last entry {@code current}. */
    public JsonNode snapshots(String node, int vmid) {
        return snapshots(node, SandboxKind.LXC, vmid);
    }

    /** {@code GET /nodes/{node}/{lxc|qemu}/{vmid}/snapshot}; a VM's entries carry {@code vmstate}. */
    public JsonNode snapshots(String node, SandboxKind kind, int vmid) {
        return get(guest(node, kind, vmid) + "/snapshot", Map.of());
    }

    /** {@code POST …/snapshot} {@code snapname, description}; a UPID. */
    public String snapshot(String node, int vmid, String name, String description) {
        return snapshot(node, SandboxKind.LXC, vmid, name, description, false);
    }

    /** {@code POST …/snapshot}, for a VM with its RAM when {@code vmstate} (a container has none); a UPID. */
    public String snapshot(String node, SandboxKind kind, int vmid, String name, String description,
                           boolean vmstate) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("snapname", name);
        if (description != null) {
            form.put("description", description);
        }
        if (vmstate) {
            form.put("vmstate", true);
        }
        return upid(post(guest(node, kind, vmid) + "/snapshot", form));
    }

    /** {@code POST …/snapshot/{name}/rollback}, {@code start=1} to start it again afterwards; a UPID. */
    public String rollback(String node, int vmid, String name, boolean start) {
        return rollback(node, SandboxKind.LXC, vmid, name, start);
    }

    /** {@code POST /nodes/{node}/{lxc|qemu}/{vmid}/snapshot/{name}/rollback}; a UPID. */
    public String rollback(String node, SandboxKind kind, int vmid, String name, boolean start) {
        return upid(post(guest(node, kind, vmid) + "/snapshot/" + segment(name) + "/rollback",
                Map.of("start", start)));
    }

    /** {@code DELETE …/snapshot/{name}}; a UPID. */
    public String deleteSnapshot(String node, int vmid, String name) {
        return deleteSnapshot(node, SandboxKind.LXC, vmid, name);
    }

    /** {@code DELETE /nodes/{node}/{lxc|qemu}/{vmid}/snapshot/{name}}; a UPID. */
    public String deleteSnapshot(String node, SandboxKind kind, int vmid, String name) {
        return upid(delete(guest(node, kind, vmid) + "/snapshot/" + segment(name), Map.of()));
    }

    /** {@code GET /nodes/{node}/lxc/{vmid}/config}. */
    public JsonNode config(String node, int vmid) {
        return config(node, SandboxKind.LXC, vmid);
    }

    /** {@code GET /nodes/{node}/{lxc|qemu}/{vmid}/config}. */
    public JsonNode config(String node, SandboxKind kind, int vmid) {
        return get(guest(node, kind, vmid) + "/config", Map.of());
    }

    /** {@code PUT /nodes/{node}/lxc/{vmid}/config}; synchronous. */
    public void updateConfig(String node, int vmid, Map<String, ?> options) {
        updateConfig(node, SandboxKind.LXC, vmid, options);
    }

    /** {@code PUT /nodes/{node}/{lxc|qemu}/{vmid}/config}; synchronous. */
    public void updateConfig(String node, SandboxKind kind, int vmid, Map<String, ?> options) {
        put(guest(node, kind, vmid) + "/config", options);
    }

    /** {@code GET /nodes/{node}/lxc/{vmid}/status/current}. */
    public JsonNode currentStatus(String node, int vmid) {
        return currentStatus(node, SandboxKind.LXC, vmid);
    }

    /** {@code GET /nodes/{node}/{lxc|qemu}/{vmid}/status/current}; a VM's also carries {@code qmpstatus}. */
    public JsonNode currentStatus(String node, SandboxKind kind, int vmid) {
        return get(guest(node, kind, vmid) + "/status/current", Map.of());
    }

    /** {@code POST /nodes/{node}/lxc/{vmid}/status/{action}}; a UPID. */
    public String statusAction(String node, int vmid, PowerAction action, Map<String, ?> options) {
        return statusAction(node, SandboxKind.LXC, vmid, action, options);
    }

    /**
     * {@code POST /nodes/{node}/{lxc|qemu}/{vmid}/status/{action}} with the action's own fields
     * ({@link PowerAction#pveOptions()}) and {@code options}; a UPID.
     */
    public String statusAction(String node, SandboxKind kind, int vmid, PowerAction action, Map<String, ?> options) {
        Map<String, Object> form = new LinkedHashMap<>(action.pveOptions());
        form.putAll(options);
        return upid(post(guest(node, kind, vmid) + "/status/" + action.pvePath(), form));
    }

    /** {@code DELETE /nodes/{node}/lxc/{vmid}?purge=1}; a UPID. */
    public String destroy(String node, int vmid, boolean purge) {
        return destroy(node, SandboxKind.LXC, vmid, purge);
    }

    /** {@code DELETE /nodes/{node}/{lxc|qemu}/{vmid}?purge=1}; a UPID. */
    public String destroy(String node, SandboxKind kind, int vmid, boolean purge) {
        return upid(delete(guest(node, kind, vmid), purge ? Map.of("purge", true) : Map.of()));
    }

    /**
     * {@code POST /nodes/{node}/qemu/{source}/clone}: a VM's name is {@code name} (PVE refuses {@code hostname}
     * there), {@code full} as asked; from {@code snapname} and onto {@code storage} when not null. A UPID of
     * {@code qmclone}, whose id is the source's.
     */
    public String cloneVm(String node, int source, int newId, String name, boolean full, String storage,
                          String snapname, String target) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("newid", newId);
        form.put("name", name);
        form.put("full", full);
        if (storage != null) {
            form.put("storage", storage);
        }
        if (snapname != null) {
            form.put("snapname", snapname);
        }
        if (target != null) {
            form.put("target", target);
        }
        return upid(post(guest(node, SandboxKind.VM, source) + "/clone", form));
    }

    /**
     * {@code GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces}: the {@code result} array of the guest
     * agent (docs/pve-qemu.md §5); PVE answers 500 when the agent is not configured, the VM not running or the
     * agent not answering.
     */
    public JsonNode agentInterfaces(String node, int vmid) {
        JsonNode data = get(guest(node, SandboxKind.VM, vmid) + "/agent/network-get-interfaces", Map.of());
        return data == null ? null : data.get("result");
    }

    /**
     * {@code POST …/agent/exec}: {@code command} as an array (the key repeated in the form), {@code input} as
     * plain text that PVE base64-encodes for the agent (null: stdin is /dev/null); the guest's pid.
     */
    public long agentExec(String node, int vmid, List<String> command, String input) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("command", command);
        if (input != null) {
            form.put("input-data", input);
        }
        JsonNode pid = post(guest(node, SandboxKind.VM, vmid) + "/agent/exec", form).get("pid");
        if (pid == null || !pid.canConvertToLong()) {
            throw new PveException(200, "PVE answered agent/exec without a pid", null);
        }
        return pid.asLong();
    }

    /** {@code GET …/agent/exec-status?pid=}: {@code exited}, then once {@code exitcode}, the streams and flags. */
    public JsonNode agentExecStatus(String node, int vmid, long pid) {
        return get(guest(node, SandboxKind.VM, vmid) + "/agent/exec-status", Map.of("pid", pid));
    }

    /** {@code GET /nodes/{node}/lxc/{vmid}/interfaces}: JSON null while the container is stopped. */
    public JsonNode interfaces(String node, int vmid) {
        return get(lxc(node, vmid) + "/interfaces", Map.of());
    }

    /** {@code GET /nodes/{node}/tasks/{upid}/status}. */
    public JsonNode taskStatus(String node, String upid) {
        return get("/nodes/" + segment(node) + "/tasks/" + segment(upid) + "/status", Map.of());
    }

    /** {@code GET /nodes/{node}/tasks/{upid}/log}; the envelope, so {@code total} is readable. */
    public JsonNode taskLog(String node, String upid, int start, int limit) {
        return call(request("GET", "/nodes/" + segment(node) + "/tasks/" + segment(upid) + "/log",
                Map.of("start", start, "limit", limit)));
    }

    private static String lxc(String node, int vmid) {
        return guest(node, SandboxKind.LXC, vmid);
    }

    private static String guest(String node, SandboxKind kind, int vmid) {
        return "/nodes/" + segment(node) + "/" + kind.pveType() + "/" + vmid;
    }

    /** Encodes every reserved character, {@code :} included: a UPID holds {@code :}, {@code @} and {@code !}. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String upid(JsonNode data) {
        if (data == null || !data.isTextual()) {
            throw new PveException(200, "PVE answered without a task id", null);
        }
        return data.asText();
    }

    // ---- generic calls: the {@code data} of the envelope ----

    public JsonNode get(String path, Map<String, ?> query) {
        return call(request("GET", path, query)).get("data");
    }

    public JsonNode delete(String path, Map<String, ?> query) {
        return call(request("DELETE", path, query)).get("data");
    }

    public JsonNode post(String path, Map<String, ?> form) {
        return call(request("POST", path, form)).get("data");
    }

    public JsonNode put(String path, Map<String, ?> form) {
        return call(request("PUT", path, form)).get("data");
    }

    private Request request(String method, String path, Map<String, ?> params) {
        HttpUrl.Builder url = base.newBuilder();
        for (String s : path.substring(1).split("/")) {
            url.addEncodedPathSegment(s);
        }
        Request.Builder request = new Request.Builder().header("Accept", "application/json");
        if (method.equals("GET") || method.equals("DELETE")) {
            params.forEach((k, v) -> url.addQueryParameter(k, formValue(v)));
            return request.url(url.build()).method(method, null).build();
        }
        FormBody.Builder form = new FormBody.Builder();
        params.forEach((k, v) -> {
            if (v instanceof Collection<?> values) {
                values.forEach(each -> form.add(k, formValue(each))); // PVE reads a repeated key as an array
            } else {
                form.add(k, formValue(v));
            }
        });
        return request.url(url.build()).method(method, form.build()).build();
    }

    private static String formValue(Object value) {
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        return String.valueOf(value);
    }

    private JsonNode call(Request request) {
        try {
            return callOnce(request);
        } catch (PveException e) {
            if (e.unreachable() && request.method().equals("GET")) {
                return callOnce(request); // a GET changes nothing, so one retry on a fresh connection is safe
            }
            throw e;
        }
    }

    private JsonNode callOnce(Request request) {
        String what = request.method() + " " + request.url().encodedPath();
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            if (!response.isSuccessful()) {
                throw failure(response.code(), response.message(), body);
            }
            JsonNode envelope = body.isEmpty() ? null : JSON.readTree(body);
            if (envelope == null || !envelope.isObject()) {
                throw new PveException(response.code(), "PVE answered " + what + " without a JSON envelope", null);
            }
            return envelope;
        } catch (IOException e) {
            throw new PveException("PVE API unreachable (" + what + "): " + e.getMessage(), e);
        }
    }

    /** PVE puts the first line of its error in the reason phrase; newer servers repeat it in {@code message}. */
    static PveException failure(int status, String reason, String body) {
        Map<String, String> errors = new LinkedHashMap<>();
        String message = reason == null ? "" : reason.trim();
        try {
            JsonNode json = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (json != null && json.isObject()) {
                String bodyMessage = PveJson.text(json, "message");
                if (message.isEmpty() && bodyMessage != null) {
                    message = bodyMessage.trim();
                }
                JsonNode fields = json.get("errors");
                if (fields != null && fields.isObject()) {
                    fields.properties().forEach(e -> errors.put(e.getKey(), e.getValue().asText().trim()));
                }
            }
        } catch (IOException ignored) {
            // an error body that is not JSON adds nothing to the reason phrase
        }
        if (status == 401) {
            message = "PVE refused the API token (401 " + (message.isEmpty() ? "Unauthorized" : message)
                    + "): check PVE_API_TOKEN";
        } else if (message.isEmpty()) {
            message = "PVE answered HTTP " + status;
        }
        if (!errors.isEmpty()) {
            StringBuilder s = new StringBuilder(message);
            errors.forEach((k, v) -> s.append(' ').append(k).append(": ").append(v).append(';'));
            message = s.substring(0, s.length() - 1);
        }
        return new PveException(status, message, errors);
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
