package dev.cmux.control.pve;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The guests' network as the emulator makes it (docs/pve-cluster.md §9): which IPv4 a guest's DHCP lease gives it on
 * its node's network, and the listener told when a guest's address starts or stops answering, so a test serves the
 * guest's app at the right place. Containers and VMs get their leases alike.
 */
final class GuestNetwork {

    private final EmulatedNodes nodes;
    private final ScheduledExecutorService scheduler;
    /** What a test set for every node's guests (an address, or a prefix ending in a dot); null: per-node default. */
    private String everyNode;
    private boolean dhcp = true;
    private volatile Consumer<GuestEvent> listener = event -> { };

    GuestNetwork(EmulatedNodes nodes, ScheduledExecutorService scheduler) {
        this.nodes = nodes;
        this.scheduler = scheduler;
    }

    /**
     * The IPv4 a guest on {@code node} has: its own lease ({@code own}), else what the test set for the node, else
     * for all nodes, else {@code 10.10.<k>.<vmid % 250 + 2>} on the k-th node's network; none without DHCP.
     */
    synchronized String ipv4(String node, int vmid, String own) {
        if (own != null) {
            return own;
        }
        if (!dhcp) {
            return null;
        }
        EmulatedNodes.Node n = nodes.member(node);
        String address = n.guestAddress != null ? n.guestAddress
                : everyNode != null ? everyNode : "10.10." + n.index + ".";
        return address.endsWith(".") ? address + (vmid % 250 + 2) : address;
    }

    /** What every node's guests get from now on: an address, or a prefix ending in a dot. */
    synchronized void everyNode(String address) {
        everyNode = address;
    }

    /** What the guests of {@code node} get from now on: an address, or a prefix ending in a dot. */
    void node(String node, String address) {
        nodes.member(node).guestAddress = address;
    }

    /** Whether DHCP answers on the bridge; without it guests have only their link-local IPv6 address. */
    synchronized void dhcp(boolean answering) {
        dhcp = answering;
    }

    synchronized boolean dhcp() {
        return dhcp;
    }

    /** Replaces the listener told of every {@link GuestEvent}. */
    void listener(Consumer<GuestEvent> listener) {
        this.listener = listener;
    }

    /**
     * Tells the listener, on the task thread after the current task, that the guest's address on {@code node}
     * starts or stops answering; off the cluster's monitor, since the listener may start or stop servers.
     */
    void announce(int vmid, String node, String own, boolean running) {
        GuestEvent event = new GuestEvent(vmid, node, ipv4(node, vmid, own), running);
        Consumer<GuestEvent> current = listener;
        scheduler.execute(() -> current.accept(event));
    }
}
