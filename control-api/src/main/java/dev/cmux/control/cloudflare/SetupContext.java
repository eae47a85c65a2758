package dev.cmux.control.cloudflare;

/** What steps share while a plan is applied: the client, where things live, and the tunnel once known. */
public final class SetupContext {

    private final CloudflareClient client;
    private final String accountId;
    private final String zoneId;
    private Tunnel tunnel;

    SetupContext(CloudflareClient client, String accountId, String zoneId, Tunnel tunnel) {
        this.client = client;
        this.accountId = accountId;
        this.zoneId = zoneId;
        this.tunnel = tunnel;
    }

    CloudflareClient client() {
        return client;
    }

    String accountId() {
        return accountId;
    }

    String zoneId() {
        return zoneId;
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
