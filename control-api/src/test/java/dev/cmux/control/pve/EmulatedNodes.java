package dev.cmux.control.pve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The cluster's members (corosync's node list), whether each is online, the network its guests get addresses on,
 * and which node an API call is for. Every fact is in docs/pve-cluster.md with its source.
 */
final class EmulatedNodes {

    /** One member; mutable under the cluster's monitor. */
    static final class Node {
        final String name;
        /** Position in the member list: the default guest network of node k is {@code 10.10.k.0/24}. */
        final int index;
        volatile boolean online = true;
        /** What a test set for this node's guests (an address, or a prefix ending in a dot); null: the default. */
        volatile String guestAddress;
        /** The memory in use of its 32 GiB ({@code mem} of {@code /nodes}): 8 GiB unless a test sets another. */
        volatile long memUsed = 8L << 30;

        Node(String name, int index) {
            this.name = name;
            this.index = index;
        }
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    /**
     * The node a call is answered on: pveproxy forwards a {@code proxyto => 'node'} call to {@code {node}}, which
     * reads guests from its own {@code /etc/pve/nodes/<node>/} (so a guest of another node "does not exist" there),
     * and a worker runs on the node that forked it. Set around each call and each task body; null elsewhere (the
     * test's own reads see the whole cluster).
     */
    private final ThreadLocal<String> answering = new ThreadLocal<>();

    EmulatedNodes(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a cluster has at least one node");
        }
        for (String name : names) {
            if (nodes.put(name, new Node(name, nodes.size())) != null) {
                throw new IllegalArgumentException("node named twice: " + name);
            }
        }
    }

    /** The first member: where guests are seeded unless placed elsewhere, and what answers cluster-wide calls. */
    String first() {
        return nodes.keySet().iterator().next();
    }

    /** The node answering the current call or task, else the first. */
    String here() {
        String node = answering.get();
        return node == null ? first() : node;
    }

    /** The node answering the current call or task; null outside of one (a test reading state). */
    String answering() {
        return answering.get();
    }

    /** Runs {@code work} as node {@code node} answers it ({@code null}: a cluster-wide call). */
    <T> T on(String node, Supplier<T> work) {
        String previous = answering.get();
        answering.set(node);
        try {
            return work.get();
        } finally {
            answering.set(previous);
        }
    }

    Node member(String name) {
        Node node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no such node in the emulated cluster: " + name);
        }
        return node;
    }

    boolean isMember(String name) {
        return nodes.containsKey(name);
    }

    boolean online(String name) {
        Node node = nodes.get(name);
        return node != null && node.online;
    }

    List<String> names() {
        return List.copyOf(nodes.keySet());
    }

    /**
     * pveproxy forwarding a {@code proxyto => 'node'} call (pve-manager {@code HTTPServer.pm rest_handler},
     * pve-http-server {@code AnyEvent.pm proxy_request}): a name that is no member is looked up in DNS and fails so;
     * a member that is down cannot be connected to, and the client gets AnyEvent::HTTP's pseudo-status 595 with the
     * connect error as the reason phrase and no body.
     */
    void forward(String node) {
        if (!nodes.containsKey(node)) {
            throw PveHttpError.die("hostname lookup '" + node + "' failed - failed to get address info for: " + node
                    + ": Name or service not known");
        }
        if (!nodes.get(node).online) {
            throw PveHttpError.unreachable("No route to host");
        }
    }

    /** {@code PVE::Cluster::check_cfs_quorum}: pmxcfs is writable only while more than half the votes are online. */
    void checkQuorum() {
        long online = nodes.values().stream().filter(n -> n.online).count();
        if (online * 2 <= nodes.size()) {
            throw PveHttpError.die("cluster not ready - no quorum?");
        }
    }

    /** {@code PVE::Cluster::check_node_exists}. */
    void checkExists(String node) {
        if (!nodes.containsKey(node)) {
            throw PveHttpError.die("no such cluster node '" + node + "'");
        }
    }

    /**
     * {@code GET /nodes} and the {@code type=node} entries of {@code /cluster/resources}
     * ({@code API2Tools::extract_node_stats}): statistics only for an online node; corosync's verdict
     * {@code offline} otherwise.
     */
    List<Map<String, Object>> list(boolean resourceEntries) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Node node : nodes.values()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", "node/" + node.name);
            n.put("node", node.name);
            n.put("type", "node");
            n.put("status", node.online ? "online" : "offline");
            if (node.online) {
                n.put("level", "");
                n.put("uptime", 86400);
                n.put("cpu", 0.05);
                n.put("maxcpu", 8);
                n.put("mem", node.memUsed);
                n.put("maxmem", 32L << 30);
                n.put("disk", 20L << 30);
                n.put("maxdisk", 100L << 30);
                if (resourceEntries) {
                    n.put("cgroup-mode", 2);
                } else {
                    n.put("ssl_fingerprint", "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77"
                            + ":88:99:AA:BB:CC:DD:EE:" + String.format("%02X", node.index));
                }
            }
            out.add(n);
        }
        return out;
    }
}
