package dev.cmux.control.cloudflare;

/** The API token permissions this package needs, spelled as the Cloudflare dashboard shows them. */
public enum Permission {
    TUNNEL_EDIT("Account · Cloudflare Tunnel · Edit"),
    DNS_EDIT("Zone · DNS · Edit"),
    ZONE_READ("Zone · Zone · Read");

    private final String label;

    Permission(String label) {
        this.label = label;
    }

    /** The name an operator looks for when editing the token in the dashboard. */
    public String label() {
        return label;
    }
}
