package dev.cmux.control.sandbox;

import java.util.Map;

/**
 * A sandbox as PVE reports it now.
 *
 * @param vmid     container id
 * @param hostname {@code cmux-<vmid>} or {@code pvelxc-<8 hex>}: the instance id
 * @param node     the PVE node it lives on
 * @param status   {@code running} or {@code stopped} (PVE knows no other)
 * @param lock     PVE's config lock ({@code create}, {@code disk}, …) or null
 * @param address  IPv4 inside the container while running, else null
 * @param metadata owner, creation, TTL; null when the description holds none
 * @param urls     public URLs by service ({@code vscode}, {@code worker}, {@code xterm}, {@code vnc}, {@code preview})
 * @param instanceUrls the same by instance id, {@code port-P-<hostname>} (cmux's form)
 */
public record Sandbox(int vmid, String hostname, String node, String status, String lock, String address,
                      SandboxMetadata metadata, Map<String, String> urls, Map<String, String> instanceUrls) {

    /** With both forms of URLs. */
    public Sandbox(int vmid, String hostname, String node, String status, String lock, String address,
                   SandboxMetadata metadata, SandboxUrls urls) {
        this(vmid, hostname, node, status, lock, address, metadata, urls.byVmid(), urls.byInstance());
    }

    /** With URLs by vmid only. */
    public Sandbox(int vmid, String hostname, String node, String status, String lock, String address,
                   SandboxMetadata metadata, Map<String, String> urls) {
        this(vmid, hostname, node, status, lock, address, metadata, urls, Map.of());
    }
}
