package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things live in the cluster. New sandboxes go to the configured node, or with {@code auto} to the node named
 * like this host (the gateway runs on a PVE node) else the first online one. An existing container's node comes
 * from {@code /cluster/resources}, so any gateway of a cluster finds any sandbox.
 */
public final class NodeLocator {

    private final PveClient pve;
    private final String configured;
    private volatile String createNode;

    public NodeLocator(PveClient pve, String configured) {
        this.pve = pve;
        this.configured = configured == null || configured.isBlank() ? "auto" : configured;
    }

    String createNode() {
        String node = createNode;
        if (node != null) {
            return node;
        }
        if (!configured.equals("auto")) {
            return createNode = configured;
        }
        List<String> online = new ArrayList<>();
        for (JsonNode n : pve.nodes()) {
            if ("online".equals(PveJson.text(n, "status"))) {
                online.add(PveJson.text(n, "node"));
            }
        }
        if (online.isEmpty()) {
            throw SandboxException.unavailable("no-online-node",
                    "PVE reports no online node; set PVE_NODE or bring a node online.");
        }
        String local = localHostName();
        return createNode = online.contains(local) ? local : online.get(0);
    }

    /** The node this gateway runs on: {@code configured} ({@code pve.node}) unless {@code auto}, else this host's. */
    public static String thisNode(String configured) {
        return configured == null || configured.isBlank() || configured.equals("auto") ? localHostName()
                : configured;
    }

    /** A PVE node's name is its host name; /etc/hostname avoids a DNS lookup that may hang for seconds. */
    private static String localHostName() {
        try {
            String name = Files.readString(Path.of("/etc/hostname")).trim();
            int dot = name.indexOf('.');
            return dot < 0 ? name : name.substring(0, dot);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The cluster's view of one guest, container or VM ({@code /cluster/resources} entry; its {@code type} is the
     * {@link SandboxKind}), or null when there is none.
     */
    public JsonNode resource(int vmid) {
        for (JsonNode r : pve.vmResources()) {
            if (PveJson.intValue(r.get("vmid"), -1) == vmid && kindOf(r) != null) {
                return r;
            }
        }
        return null;
    }

    /** The kind of a {@code /cluster/resources} entry, or null when it is no guest. */
    public static SandboxKind kindOf(JsonNode resource) {
        return SandboxKind.ofPveType(PveJson.text(resource, "type")).orElse(null);
    }
}
