package dev.cmux.control.cloudflare;

/** The API token permissions this package needs, spelled as the Cloudflare dashboard shows them. */
public enum Permission {
    TUNNEL_EDIT("Account · Cloudflare Tunnel · Edit"),
    DNS_EDIT("Zone · DNS · Edit"),
    ZONE_READ("Zone · Zone · Read"),
    // the Access groups as cloudflare.md §10.1 names them (the legacy combined groups the dashboard still offers)
    ACCESS_APPS_EDIT("Account · Access: Apps and Policies · Edit"),
    ACCESS_SERVICE_TOKENS_EDIT("Account · Access: Service Tokens · Edit"),
    ACCESS_ORGANIZATIONS_READ("Account · Access: Organizations, Identity Providers, and Groups · Read");

    private final String label;

    Permission(String label) {
        this.label = label;
    }

    /** The name an operator looks for when editing the token in the dashboard. */
    public String label() {
        return label;
    }
}
