package dev.cmux.control.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.control.sandbox.SandboxKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * PVE as the gateway uses it: the API answers and takes the token, the template exists and is one, and the token
 * holds the privileges each feature needs (pve-qemu-cluster.md §5.2), asked of PVE path by path: PVE works out
 * inheritance itself, and a more specific ACL replaces what is inherited, so nothing is computed here.
 */
public final class PveChecks implements Check {

    /** Privileges on one path, and the built-in role that grants them. */
    private record Need(String path, String privilege) {
        String role() {
            return path.startsWith("/storage") ? "PVEDatastoreUser" : path.startsWith("/nodes") ? "PVEAuditor"
                    : "PVEVMAdmin";
        }
    }

    private final PveClient pve;
    private final PveConfig config;
    /** The template is a VM: its sandboxes need the guest agent's privileges too. */
    private boolean vmTemplate;

    public PveChecks(PveClient pve, PveConfig config) {
        this.pve = pve;
        this.config = config;
    }

    @Override
    public List<StatusLine> run() {
        List<StatusLine> lines = new ArrayList<>();
        String version;
        try {
            version = PveJson.text(pve.version(), "version");
        } catch (PveException e) {
            lines.add(e.status() == 401
                    ? StatusLine.problem("PVE token", "refused (" + e.getMessage() + ")", "set PVE_API_TOKEN to "
                    + "user@realm!tokenid=secret of a token that exists (pveum user token list root@pam).")
                    : StatusLine.problem("PVE API", config.apiUrl() + ": " + e.getMessage(), "check PVE_API_URL, "
                    + "and PVE_TLS_FINGERPRINT (pvenode cert info) or pve.caFile."));
            return lines;
        }
        lines.add(StatusLine.ok("PVE API", "PVE " + version + " at " + config.apiUrl()));
        lines.add(StatusLine.ok("PVE token", tokenId() + " accepted"));
        String storage = template(lines);
        Map<String, Set<String>> granted = new HashMap<>();
        features(storage).forEach((feature, needs) -> lines.add(privileges(feature, needs, granted)));
        return lines;
    }

    /** Adds the template's line; returns the storage of its root disk (null when unknown). */
    private String template(List<StatusLine> lines) {
        Integer vmid = config.templateVmid();
        if (vmid == null) {
            lines.add(StatusLine.problem("template", "PVE_TEMPLATE_VMID is not set", "set PVE_TEMPLATE_VMID to the "
                    + "container template sandboxes are cloned from."));
            return null;
        }
        JsonNode found = null;
        for (JsonNode r : pve.vmResources()) {
            if (PveJson.intValue(r.get("vmid"), -1) == vmid) {
                found = r;
            }
        }
        SandboxKind kind = found == null ? null : NodeLocator.kindOf(found);
        if (kind == null) {
            lines.add(StatusLine.problem("template", found == null ? "there is no guest " + vmid
                    : vmid + " is a " + PveJson.text(found, "type") + ", not a container or VM", "set "
                    + "PVE_TEMPLATE_VMID to a container template (pct list shows them; pct template VMID makes one) "
                    + "or a VM template (qm template VMID)."));
            return null;
        }
        String node = PveJson.text(found, "node");
        String what = kind == SandboxKind.VM ? "VM " : "container ";
        if (PveJson.intValue(found.get("template"), 0) != 1) {
            lines.add(StatusLine.problem("template", what + vmid + " on " + node + " is not a template",
                    "stop it and run " + (kind == SandboxKind.VM ? "qm" : "pct") + " template " + vmid
                    + " (or set PVE_TEMPLATE_VMID to a template)."));
            return null;
        }
        // a container's root disk; a VM's boot disk (scsi0, else virtio0): where clones allocate
        JsonNode config = pve.config(node, kind, vmid);
        String disk = kind == SandboxKind.VM ? firstOf(config, "scsi0", "virtio0", "sata0")
                : PveJson.text(config, "rootfs");
        String storage = disk == null || !disk.contains(":") ? null : disk.substring(0, disk.indexOf(':'));
        lines.add(StatusLine.ok("template", what + vmid + " on " + node + " is a template"
                + (storage == null ? "" : ", its disk on " + storage)
                + (kind == SandboxKind.VM ? "; its sandboxes are VMs (addresses and exec via the guest agent)" : "")));
        if (kind == SandboxKind.VM) {
            vmTemplate = true;
        }
        return storage;
    }

    private static String firstOf(JsonNode config, String... keys) {
        for (String k : keys) {
            String v = PveJson.text(config, k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** What each feature needs, on which path. */
    private Map<String, List<Need>> features(String storage) {
        Integer template = config.templateVmid();
        List<Need> create = new ArrayList<>();
        if (template != null) {
            create.add(new Need("/vms/" + template, "VM.Clone"));
        }
        create.add(new Need("/vms", "VM.Allocate"));
        for (String p : List.of("VM.Config.Options", "VM.Config.CPU", "VM.Config.Memory")) {
            create.add(new Need("/vms", p)); // tags, description, cores, memory of a new sandbox
        }
        if (storage != null) {
            create.add(new Need("/storage/" + storage, "Datastore.AllocateSpace"));
        }
        Map<String, List<Need>> features = new LinkedHashMap<>();
        features.put("create and destroy sandboxes", create);
        features.put("start, stop, wake and idle", List.of(new Need("/vms", "VM.PowerMgmt")));
        features.put("snapshots", List.of(new Need("/vms", "VM.Snapshot")));
        if (vmTemplate) { // PVE 9's agent privileges (docs/pve-qemu.md §5); up to 8.4 it was VM.Monitor
            features.put("VM addresses and exec through the guest agent", List.of(
                    new Need("/vms", "VM.GuestAgent.Audit"), new Need("/vms", "VM.GuestAgent.Unrestricted")));
        }
        features.put("list sandboxes and node settings", List.of(new Need("/vms", "VM.Audit"),
                new Need("/nodes", "Sys.Audit")));
        return features;
    }

    private StatusLine privileges(String feature, List<Need> needs, Map<String, Set<String>> granted) {
        String subject = "PVE privileges: " + feature;
        List<Need> missing = new ArrayList<>();
        for (Need n : needs) {
            if (!granted.computeIfAbsent(n.path(), this::privilegesOn).contains(n.privilege())) {
                missing.add(n);
            }
        }
        if (missing.isEmpty()) {
            return StatusLine.ok(subject, String.join(", ", needs.stream()
                    .map(n -> n.privilege() + " on " + n.path()).distinct().toList()));
        }
        Map<String, Set<String>> byPath = new LinkedHashMap<>();
        missing.forEach(n -> byPath.computeIfAbsent(n.path(), p -> new TreeSet<>()).add(n.privilege()));
        List<String> fixes = new ArrayList<>();
        byPath.forEach((path, privs) -> fixes.add("pveum acl modify " + path + " --tokens '" + tokenId()
                + "' --roles " + new Need(path, "").role()));
        return StatusLine.problem(subject, "missing " + String.join("; ", byPath.entrySet().stream()
                        .map(e -> String.join(", ", e.getValue()) + " on " + e.getKey()).toList()),
                String.join(" && ", fixes) + " (a token with privilege separation needs them on its user too).");
    }

    private Set<String> privilegesOn(String path) {
        JsonNode on = pve.permissions(path).path(path);
        Set<String> names = new TreeSet<>();
        on.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** {@code root@pam!cmux}: the token's id, never its secret. */
    private String tokenId() {
        String token = config.apiToken();
        return token.contains("=") ? token.substring(0, token.indexOf('=')) : "the token";
    }
}
