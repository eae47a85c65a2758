package dev.cmux.control.cloudflare;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code tunnel status} line per connector of the tunnel, and which one is this node's. Cloudflare does not know
 * the hosts (no host name in an ActiveClient, and behind NAT every node has the same origin address), so each node's
 * run marks the connector whose id its own cloudflared reports on {@code /ready}.
 */
final class ConnectorLines {

    /** The fix when cloudflared runs without an edge connection; also the fix of its {@code /ready} line. */
    static final String NO_EDGE_FIX = "check `journalctl -u " + CloudflaredUnit.NAME + "` for why it cannot reach "
            + "Cloudflare (outbound port 7844).";

    private ConnectorLines() {
    }

    /**
     * @param node  this node's name ({@code pve.node}, or the host's name), shown on its connector
     * @param local what this host's cloudflared said on {@code /ready}
     */
    static List<StatusLine> of(List<TunnelConnector> connectors, CloudflaredReady local, String node,
                               TunnelSpec spec) {
        String thisNodes = "this node's" + (node == null || node.isBlank() ? "" : " (" + node + ")");
        List<StatusLine> lines = new ArrayList<>();
        boolean listed = false;
        for (TunnelConnector c : connectors) {
            boolean mine = local.isThe(c);
            listed |= mine;
            lines.add(StatusLine.ok("connector " + c.id(), (mine ? thisNodes + ": " : "") + c.describe()));
        }
        if (listed || local.connectorId().isEmpty()) {
            return lines;
        }
        String subject = "connector " + local.connectorId().get();
        lines.add(local.connected()
                // connected, yet not to this tunnel: it was started with another tunnel's token
                ? StatusLine.problem(subject, thisNodes + ": cloudflared is connected, but not to tunnel "
                        + spec.tunnelName() + " (another tunnel's token)", "restart it as root so it runs with the "
                        + "token `tunnel setup` wrote to " + spec.tokenFile() + ": systemctl restart "
                        + CloudflaredUnit.NAME + ".")
                : StatusLine.problem(subject, thisNodes + ": cloudflared runs but holds no edge connection, so "
                        + "Cloudflare sends this node nothing", NO_EDGE_FIX));
        return lines;
    }
}
