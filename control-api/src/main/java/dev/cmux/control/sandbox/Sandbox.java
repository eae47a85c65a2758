package dev.cmux.control.sandbox;

import java.util.Map;

/**
 * A sandbox as PVE reports it now.
 *
 * @param vmid     container or VM id
 * @param hostname {@code cmux-<vmid>} or {@code pvelxc-<8 hex>}: the instance id (a VM's {@code name})
 * @param node     the PVE node it lives on
 * @param status   {@code running} or {@code stopped}; a VM also {@code paused} (in RAM) or {@code hibernated} (to
 *                 disk), see {@link SandboxState}
 * @param lock     PVE's config lock ({@code create}, {@code disk}, …) or null; a VM's hibernation lock
 *                 ({@code suspended}) is its status, not a lock
 * @param address  IPv4 inside the sandbox while running, else null
 * @param metadata owner, creation, TTL; null when the description holds none
 * @param urls     public URLs by service ({@code vscode}, {@code worker}, {@code xterm}, {@code vnc}, {@code preview})
 * @param instanceUrls the same by instance id, {@code port-P-<hostname>} (cmux's form)
 * @param kind     a container or a VM
 */
public record Sandbox(int vmid, String hostname, String node, String status, String lock, String address,
                      SandboxMetadata metadata, Map<String, String> urls, Map<String, String> instanceUrls,
                      SandboxKind kind) {

    /** A container, with both forms of URLs. */
    public Sandbox(int vmid, String hostname, String node, String status, String lock, String address,
                   SandboxMetadata metadata, SandboxUrls urls) {
        this(vmid, hostname, node, status, lock, address, metadata, urls, SandboxKind.LXC);
    }

    /** With both forms of URLs. */
    public Sandbox(int vmid, String hostname, String node, String status, String lock, String address,
                   SandboxMetadata metadata, SandboxUrls urls, SandboxKind kind) {
        this(vmid, hostname, node, status, lock, address, metadata, urls.byVmid(), urls.byInstance(), kind);
    }

    /** A container with URLs by vmid only. */
    public Sandbox(int vmid, String hostname, String node, String status, String lock, String address,
                   SandboxMetadata metadata, Map<String, String> urls) {
        this(vmid, hostname, node, status, lock, address, metadata, urls, Map.of(), SandboxKind.LXC);
    }

    public boolean running() {
        return SandboxState.RUNNING.equals(status);
    }
}
