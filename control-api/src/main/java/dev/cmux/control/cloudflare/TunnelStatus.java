package dev.cmux.control.cloudflare;

import dev.cmux.control.exec.Executables;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks each piece the sandbox URLs depend on, from Cloudflare to the gateway, and says how to fix
 * what is wrong: one line per connector of the tunnel, this node's marked. Reads only.
 */
public final class TunnelStatus {

    private final CloudflareClient client;
    private final TunnelSpec spec;
    private final URI readyUrl;
    private final String node;
    private final LocalProbe probe = new LocalProbe();

    /**
     * @param readyUrl this host's cloudflared's {@code /ready}
     * @param node     the PVE node this runs on ({@code NodeLocator.thisNode(pve.node)}), named on its connector
     */
    public TunnelStatus(CloudflareClient client, TunnelSpec spec, URI readyUrl, String node) {
        this.client = client;
        this.spec = spec;
        this.readyUrl = readyUrl;
        this.node = node;
    }

    public List<StatusLine> check() {
        List<StatusLine> lines = new ArrayList<>();
        // asked first: its connector id marks this node's connector among Cloudflare's
        CloudflaredReady ready = CloudflaredReady.ask(probe, readyUrl);
        try {
            checkCloudflare(lines, ready);
        } catch (CloudflareApiException | IllegalArgumentException e) {
            lines.add(StatusLine.problem("Cloudflare", "could not read the tunnel state", e.getMessage()));
        }
        lines.add(checkCloudflared(ready.answer()));
        lines.add(checkGateway());
        return List.copyOf(lines);
    }

    public static boolean allOk(List<StatusLine> lines) {
        return lines.stream().allMatch(StatusLine::ok);
    }

    private void checkCloudflare(List<StatusLine> lines, CloudflaredReady ready) {
        TunnelSite site = new TunnelSiteLocator(client).locate(spec);
        lines.add(StatusLine.ok("API token", "active"));
        lines.add(StatusLine.ok("zone", site.zone().name() == null ? site.zone().id()
                : site.zone().name() + " (" + site.zone().id() + ")"));
        for (String warning : site.warnings()) {
            lines.add(StatusLine.problem("TLS coverage", "sandbox names are too deep for Universal SSL", warning));
        }
        Optional<Tunnel> found = site.tunnel();
        if (found.isEmpty()) {
            lines.add(StatusLine.problem("tunnel", spec.tunnelName() + " does not exist",
                    "run `tunnel setup` to create it."));
            return;
        }
        Tunnel tunnel = found.get();
        List<TunnelConnector> running = client.connectors(site.accountId(), tunnel.id());
        int connectors = running.size();
        int edges = running.stream().mapToInt(TunnelConnector::connectionCount).sum();
        String state = tunnel.name() + " (" + tunnel.id() + ") is " + tunnel.status() + " with " + connectors
                + " connector" + (connectors == 1 ? "" : "s") + " (" + edges + " edge connections)";
        lines.add(connectors > 0 && !"down".equals(tunnel.status())
                ? StatusLine.ok("tunnel", state)
                : StatusLine.problem("tunnel", state, "start cloudflared on this host: "
                + "systemctl daemon-reload && systemctl enable --now " + CloudflaredUnit.NAME + "."));
        lines.addAll(ConnectorLines.of(running, ready, node, spec));
        List<IngressRule> ingress = client.ingressOf(client.configuration(site.accountId(), tunnel.id()));
        lines.add(TunnelSetup.sameRules(spec.ingress(), ingress)
                ? StatusLine.ok("ingress", spec.wildcardName() + " -> " + spec.gateway().originUrl())
                : StatusLine.problem("ingress", ingress.isEmpty() ? "no ingress rules" : "differs: " + ingress,
                "run `tunnel setup` to set " + spec.ingress() + "."));
        for (String name : spec.dnsNames()) {
            lines.add(checkDns(site, tunnel, name));
        }
    }

    private StatusLine checkDns(TunnelSite site, Tunnel tunnel, String name) {
        String subject = "DNS " + name;
        List<DnsRecord> records = client.dnsRecordsNamed(site.zone().id(), name);
        if (records.stream().anyMatch(r -> r.routesTo(tunnel.cnameTarget()))) {
            return StatusLine.ok(subject, "proxied CNAME to " + tunnel.cnameTarget());
        }
        if (records.isEmpty()) {
            return StatusLine.problem(subject, "no record", "run `tunnel setup` to create the CNAME to "
                    + tunnel.cnameTarget() + ".");
        }
        String found = records.stream().map(r -> r.type() + " " + r.content() + (r.proxied() ? " (proxied)" : ""))
                .reduce((a, b) -> a + ", " + b).orElse("");
        return StatusLine.problem(subject, found, "run `tunnel setup` (add --replace-records for A/AAAA records) "
                + "to point it at " + tunnel.cnameTarget() + " (proxied).");
    }

    private StatusLine checkCloudflared(LocalProbe.Result ready) {
        String subject = "cloudflared " + readyUrl;
        if (!ready.answered()) {
            // not answering: installed and stopped, or never installed, which want different fixes
            Optional<Path> binary = installedCloudflared(System.getenv("PATH"));
            return binary.isPresent()
                    ? StatusLine.problem(subject, ready.failure() + " (cloudflared is installed at " + binary.get()
                    + ")", "start it (systemctl enable --now " + CloudflaredUnit.NAME + "), or set cloudflare.readyUrl to its "
                    + "--metrics address.")
                    : StatusLine.problem(subject, ready.failure() + "; cloudflared is not installed (not on PATH, "
                    + "/usr/bin or /usr/local/bin)", "install cloudflared from Cloudflare's Debian repository "
                    + "(pkg.cloudflare.com), then run tunnel setup.");
        }
        if (ready.status() == 200) {
            return StatusLine.ok(subject, "ready " + ready.body().trim());
        }
        return StatusLine.problem(subject, "HTTP " + ready.status() + " (no edge connection)",
                ConnectorLines.NO_EDGE_FIX);
    }

    /** The cloudflared executable on {@code path} or in the usual places (a unit's PATH may lack them). */
    static Optional<Path> installedCloudflared(String path) {
        String usual = "/usr/bin" + File.pathSeparator + "/usr/local/bin";
        return Executables.onPath("cloudflared", path == null ? usual : path + File.pathSeparator + usual);
    }

    /** Any HTTP answer (even 404 no-route) means the gateway is up; cloudflared sends it everything. */
    private StatusLine checkGateway() {
        GatewayAddress gateway = spec.gateway();
        String subject = "gateway " + gateway.hostPort();
        URI uri = URI.create("http://" + gateway.probe() + "/");
        LocalProbe.Result answer = probe.get(uri);
        if (answer.answered()) {
            return StatusLine.ok(subject, "answers HTTP " + answer.status());
        }
        return StatusLine.problem(subject, answer.failure(), "start the gateway (systemctl start cmux-gateway) "
                + "or set GATEWAY_LISTEN to where it listens.");
    }
}
