package dev.cmux.control.sandbox;

/**
 * The PVE node a sandbox lives on cannot be reached: the API node that was asked could not forward the call
 * (pveproxy's 595/596, pve-qemu-cluster.md §3.4), because the node is down or cut off. Its guests are unreachable
 * until it is back or they are moved; the other nodes' sandboxes are not concerned.
 */
public final class NodeUnreachableException extends UnreachableSandboxException {

    private final String node;

    public NodeUnreachableException(int vmid, String node, String pveMessage) {
        super("Sandbox vm-" + vmid + " is on PVE node " + node + ", which cannot be reached now (" + pveMessage.trim()
                + "): it answers again when the node is back or the sandbox is moved to another node.");
        this.node = node;
    }

    public String node() {
        return node;
    }
}
