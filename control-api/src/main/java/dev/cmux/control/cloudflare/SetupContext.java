package dev.cmux.control.cloudflare;

/** What steps share while a plan is applied: the client, where things live, and the tunnel once known. */
public final class SetupContext {

    private final CloudflareClient client;
    private final TunnelSite site;
    private Tunnel tunnel;

    SetupContext(CloudflareClient client, TunnelSite site) {
        this.client = client;
        this.site = site;
        this.tunnel = site.tunnel().orElse(null);
    }

    CloudflareClient client() {
        return client;
    }

    String accountId() {
        return site.accountId();
    }

    String zoneId() {
        return site.zone().id();
    }

    Tunnel tunnel() {
        if (tunnel == null) {
            throw new IllegalStateException("no tunnel yet: the plan must create it first");
        }
        return tunnel;
    }

    void tunnel(Tunnel created) {
        this.tunnel = created;
    }
}
