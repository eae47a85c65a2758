package dev.cmux.control.sandbox;

import dev.cmux.control.config.PveConfig;

import java.time.Duration;

/**
 * How sandboxes are made and watched. Defaults in {@link #defaults(String, Integer)}; tests shorten the intervals.
 *
 * @param domain         public domain for the sandbox URLs {@code https://port-P-vm-V.<domain>}; null: no URLs
 * @param templateVmid   the template that sandboxes are linked-cloned from; null: create answers 503
 * @param node           this gateway's PVE node, or {@code auto} (the node named like this host, else the first
 *                       online); its DNS search domain is the sandbox suffix, and {@code pct} reaches its guests
 * @param defaultTtl     TTL of a sandbox created without one (config {@code lifecycle.ttl}); null: no TTL
 * @param execdPort      port of cmux-execd inside the container (39375)
 * @param waitForExecd   create waits until {@code GET /healthz} of execd answers 200
 * @param pollInterval   how often PVE tasks, addresses and execd are polled (1 s, as PVE's own clients do)
 * @param taskTimeout    the longest a PVE task may run (clone, start, stop, destroy)
 * @param addressTimeout the longest a started container may take to get an IPv4 address (DHCP)
 * @param execdTimeout   the longest execd may take to answer after the address appeared
 * @param lockRetry      how long a clone retries while the template is locked by another clone
 * @param naming         host names of new sandboxes: {@code cmux-<vmid>} or {@code pvelxc-<8 hex>}
 * @param placement      the node new sandboxes go to ({@link Placement}): {@code template}, {@code most-free-memory}
 *                       or a node's name
 */
public record SandboxSettings(String domain, Integer templateVmid, String node, Duration defaultTtl, int execdPort,
                              boolean waitForExecd, Duration pollInterval, Duration taskTimeout,
                              Duration addressTimeout, Duration execdTimeout, Duration lockRetry,
                              SandboxNaming naming, String placement) {

    /** Placed as {@code template}. */
    public SandboxSettings(String domain, Integer templateVmid, String node, Duration defaultTtl, int execdPort,
                           boolean waitForExecd, Duration pollInterval, Duration taskTimeout,
                           Duration addressTimeout, Duration execdTimeout, Duration lockRetry,
                           SandboxNaming naming) {
        this(domain, templateVmid, node, defaultTtl, execdPort, waitForExecd, pollInterval, taskTimeout,
                addressTimeout, execdTimeout, lockRetry, naming, Placement.TEMPLATE);
    }

    public static final int EXECD_PORT = 39375;

    /** Host names {@code cmux-<vmid>}. */
    public SandboxSettings(String domain, Integer templateVmid, String node, Duration defaultTtl, int execdPort,
                           boolean waitForExecd, Duration pollInterval, Duration taskTimeout,
                           Duration addressTimeout, Duration execdTimeout, Duration lockRetry) {
        this(domain, templateVmid, node, defaultTtl, execdPort, waitForExecd, pollInterval, taskTimeout,
                addressTimeout, execdTimeout, lockRetry, SandboxNaming.VMID);
    }

    public static SandboxSettings defaults(String domain, Integer templateVmid) {
        return new SandboxSettings(domain, templateVmid, "auto", null, EXECD_PORT, false, Duration.ofSeconds(1),
                Duration.ofMinutes(10), Duration.ofSeconds(90), Duration.ofSeconds(60), Duration.ofMinutes(3),
                SandboxNaming.VMID);
    }

    /** The defaults for {@code pve}'s template and node, with URLs under {@code domain} (may be null). */
    public static SandboxSettings from(PveConfig pve, String domain) {
        return defaults(domain, pve.templateVmid()).withNode(pve.node() == null ? "auto" : pve.node())
                .withPlacement(pve.placement());
    }

    public SandboxSettings withNode(String node) {
        return new SandboxSettings(domain, templateVmid, node, defaultTtl, execdPort, waitForExecd, pollInterval,
                taskTimeout, addressTimeout, execdTimeout, lockRetry, naming, placement);
    }

    public SandboxSettings withExecd(int port, boolean wait) {
        return new SandboxSettings(domain, templateVmid, node, defaultTtl, port, wait, pollInterval,
                taskTimeout, addressTimeout, execdTimeout, lockRetry, naming, placement);
    }

    public SandboxSettings withPolling(Duration poll, Duration timeouts) {
        return new SandboxSettings(domain, templateVmid, node, defaultTtl, execdPort, waitForExecd, poll,
                timeouts, timeouts, timeouts, timeouts, naming, placement);
    }

    /** New sandboxes without a TTL of their own get {@code ttl} (null: none), stamped into their metadata. */
    public SandboxSettings withDefaultTtl(Duration ttl) {
        return new SandboxSettings(domain, templateVmid, node, ttl, execdPort, waitForExecd, pollInterval,
                taskTimeout, addressTimeout, execdTimeout, lockRetry, naming, placement);
    }

    public SandboxSettings withNaming(SandboxNaming next) {
        return new SandboxSettings(domain, templateVmid, node, defaultTtl, execdPort, waitForExecd, pollInterval,
                taskTimeout, addressTimeout, execdTimeout, lockRetry, next, placement);
    }

    /** New sandboxes go where {@code next} says ({@link Placement}). */
    public SandboxSettings withPlacement(String next) {
        return new SandboxSettings(domain, templateVmid, node, defaultTtl, execdPort, waitForExecd, pollInterval,
                taskTimeout, addressTimeout, execdTimeout, lockRetry, naming, next);
    }
}
