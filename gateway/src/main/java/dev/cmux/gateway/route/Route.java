package dev.cmux.gateway.route;

import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.error.GatewayError;

/** Where a request goes, decided from its Host header alone by {@link HostRouter}. */
public sealed interface Route {

    /** {@code port-{port}-vm-{vmid}.{domain}}: port {@code port} of the sandbox container {@code cmux-{vmid}}. */
    record SandboxRoute(int port, int vmid) implements Route {
    }

    /**
     * {@code port-{port}-{instanceId}.{domain}}: cmux's form, where the instance id is the sandbox's host name (e.g.
     * {@code pvelxc-1a2b3c4d}), lower case. It routes only once PVE names a sandbox of this gateway by it.
     */
    record InstanceRoute(int port, String instanceId) implements Route {
    }

    /** An exact-host route from {@code routing.hosts}, e.g. {@code pve.example.com -> https://127.0.0.1:8006}. */
    record HostRoute(String host, UpstreamRoute upstream) implements Route {
    }

    /** Nowhere: {@code error} is the row of the error table, {@code reason} one sentence for the client. */
    record NoRoute(GatewayError error, String reason) implements Route {
    }
}
