package dev.cmux.gateway.doctor;

import dev.cmux.control.api.ControlServices;
import dev.cmux.control.cloudflare.CloudflareClient;
import dev.cmux.control.cloudflare.LocalProbe;
import dev.cmux.control.cloudflare.RetryPolicy;
import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.cloudflare.TunnelSpec;
import dev.cmux.control.cloudflare.TunnelStatus;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.doctor.Check;
import dev.cmux.control.doctor.Doctor;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.server.GatewayServer;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The checks of a running gateway, in the order a request depends on them: PVE, sandbox names, Cloudflare's tunnel
 * and cloudflared, Access, the process's limits. Each reads the config running at the time it runs (a reload that
 * turned Access on shows at once).
 */
public final class GatewayDoctor {

    private GatewayDoctor() {
    }

    /** @param listen the data plane's address as cloudflared is told it ({@code 127.0.0.1:8080}) */
    public static Doctor of(Supplier<GatewayConfig> running, ControlServices services, GatewayServer gateway,
                            String listen) {
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("PVE", () -> services.pveCheck(running.get().pve()).orElse(() -> List.of(StatusLine.ok("PVE",
                "not configured (PVE_API_URL, PVE_API_TOKEN): no sandbox lifecycle, addresses as DNS gives them")))
                .run());
        services.pveAddresses().ifPresent(pve -> checks.put("sandbox names",
                new SandboxNameCheck(services.sandboxes(), gateway.resolver(), pve::addressesOf)));
        checks.put("Cloudflare", () -> cloudflare(running.get().cloudflare(), listen,
                NodeLocator.thisNode(running.get().pve().node())));
        checks.put("Access", () -> new AccessCheck(running.get().access(), running.get().cloudflare().enabled(),
                new LocalProbe(), Clock.systemUTC()).run());
        checks.put("open files", OpenFilesCheck.ofThisProcess());
        return new Doctor(checks);
    }

    private static List<StatusLine> cloudflare(CloudflareConfig config, String listen, String node) {
        if (!config.enabled()) {
            return List.of(StatusLine.ok("Cloudflare", "not configured (CF_API_TOKEN, CF_ACCOUNT_ID, CF_DOMAIN): the "
                    + "sandboxes are not published"));
        }
        try (CloudflareClient client = CloudflareClient.from(config, RetryPolicy.defaults())) {
            return new TunnelStatus(client, TunnelSpec.from(config, listen, false), config.readyUrl(), node).check();
        }
    }
}
