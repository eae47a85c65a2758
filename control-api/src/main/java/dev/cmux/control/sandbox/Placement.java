package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which node of the cluster a new sandbox goes to ({@code pve.placement}): {@code template} keeps it on its
 * template's node (a linked clone on local storage can live nowhere else); {@code most-free-memory} takes the online
 * node with the most free memory among those it can go to; a node's name takes that node. A clone is always made on
 * its source's node; it goes elsewhere through PVE's {@code target}, which PVE allows only when every volume of the
 * source is on shared storage, and then a full clone must go to a shared storage too (pve-qemu-cluster.md §3.5).
 * Where that cannot be, a named node is refused with a sentence that says why, and {@code most-free-memory} stays
 * on the template's node.
 */
public final class Placement {

    public static final String TEMPLATE = "template";
    public static final String MOST_FREE_MEMORY = "most-free-memory";
    /** A PVE node name is a host name's first label (pve-common {@code pve-node} format). */
    private static final Pattern NODE = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    /** The config keys that hold a guest's volumes: a container's root and mount points, a VM's disks. */
    private static final Pattern VOLUME_KEY =
            Pattern.compile("rootfs|mp\\d+|(ide|sata|scsi|virtio)\\d+|efidisk\\d+|tpmstate\\d+");

    private final PveClient pve;
    private final String policy;

    public Placement(PveClient pve, String policy) {
        this.pve = pve;
        this.policy = parse(policy == null ? TEMPLATE : policy);
    }

    /** {@code template}, {@code most-free-memory} or a node's name, as the config may say it. */
    public static String parse(String text) {
        if (text.equals(TEMPLATE) || text.equals(MOST_FREE_MEMORY) || NODE.matcher(text).matches()) {
            return text;
        }
        throw new IllegalArgumentException("must be template, most-free-memory or the name of a PVE node");
    }

    /** {@code spec} going to the node this placement picks. */
    CloneSpec place(CloneSpec spec) {
        if (policy.equals(TEMPLATE)) {
            return spec;
        }
        List<JsonNode> nodes = new ArrayList<>();
        pve.nodes().forEach(nodes::add);
        if (policy.equals(MOST_FREE_MEMORY)) {
            return mostFreeMemory(spec, nodes);
        }
        JsonNode named = nodes.stream().filter(n -> policy.equals(PveJson.text(n, "node"))).findFirst()
                .orElseThrow(() -> SandboxException.unavailable("unknown-node", "pve.placement names node " + policy
                        + ", which is not a node of this cluster (its nodes: " + String.join(", ",
                        nodes.stream().map(n -> PveJson.text(n, "node")).toList()) + ")."));
        if (!online(named)) {
            throw SandboxException.unavailable("node-offline", "Node " + policy + " (pve.placement) is "
                    + PveJson.text(named, "status") + "; new sandboxes cannot go there until it is back.");
        }
        if (policy.equals(spec.node())) {
            return spec;
        }
        CloneSpec moved = movedTo(spec, policy, sourceStorages(spec));
        if (moved == null) {
            throw SandboxException.unavailable("placement-impossible", "Template " + spec.source()
                    + " is on storage of node " + spec.node() + " alone, so PVE cannot clone it to node " + policy
                    + " (pve.placement): put the template on shared storage, keep a copy of it on " + policy
                    + ", or place sandboxes with the template.");
        }
        return moved;
    }

    private CloneSpec mostFreeMemory(CloneSpec spec, List<JsonNode> nodes) {
        List<JsonNode> byFree = new ArrayList<>(nodes.stream().filter(Placement::online).toList());
        byFree.sort(Comparator.comparingLong(Placement::freeMemory).reversed());
        Set<String> sourceStorages = null;
        for (JsonNode n : byFree) {
            String node = PveJson.text(n, "node");
            if (node.equals(spec.node())) {
                return spec;
            }
            sourceStorages = sourceStorages != null ? sourceStorages : sourceStorages(spec);
            CloneSpec moved = movedTo(spec, node, sourceStorages);
            if (moved != null) {
                return moved;
            }
        }
        return spec; // nowhere else it can go: PVE answers for its own node
    }

    /**
     * {@code spec} going to {@code node}, another node than its source's, or null when PVE cannot take it there: a
     * volume of the source is not on storage shared with {@code node}, or a full clone finds no shared storage
     * there (its chosen storage when shared, else the shared one with the most room).
     */
    private CloneSpec movedTo(CloneSpec spec, String node, Set<String> sourceStorages) {
        Map<String, Long> shared = sharedStorages(node);
        if (!shared.keySet().containsAll(sourceStorages)) {
            return null;
        }
        if (!spec.full()) {
            return spec.placed(node, null);
        }
        String storage = spec.storage() != null && shared.containsKey(spec.storage()) ? spec.storage()
                : shared.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        return storage == null ? null : spec.placed(node, storage);
    }

    /** The storages of every volume of the source; a bind mount (a host path) counts as storage of its node alone. */
    private Set<String> sourceStorages(CloneSpec spec) {
        Set<String> storages = new LinkedHashSet<>();
        pve.config(spec.node(), spec.kind(), spec.source()).fields().forEachRemaining(field -> {
            if (!VOLUME_KEY.matcher(field.getKey()).matches()) {
                return;
            }
            String volume = field.getValue().asText().split(",", 2)[0];
            if (volume.equals("none") || volume.equals("cdrom")) {
                return;
            }
            int colon = volume.indexOf(':');
            storages.add(colon > 0 && !volume.startsWith("/") ? volume.substring(0, colon)
                    : "(host path " + volume + ")");
        });
        return storages;
    }

    /** The shared storages enabled on {@code node}, with the bytes available on each. */
    private Map<String, Long> sharedStorages(String node) {
        Map<String, Long> shared = new LinkedHashMap<>();
        for (JsonNode s : pve.storages(node)) {
            if (PveJson.intValue(s.get("shared"), 0) == 1 && PveJson.intValue(s.get("active"), 1) == 1) {
                shared.put(PveJson.text(s, "storage"), PveJson.longValue(s.get("avail"), 0));
            }
        }
        return shared;
    }

    private static boolean online(JsonNode node) {
        return "online".equals(PveJson.text(node, "status"));
    }

    private static long freeMemory(JsonNode node) {
        return PveJson.longValue(node.get("maxmem"), 0) - PveJson.longValue(node.get("mem"), 0);
    }
}
