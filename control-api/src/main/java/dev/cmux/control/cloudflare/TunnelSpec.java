package dev.cmux.control.cloudflare;

import dev.cmux.control.config.CloudflareConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the tunnel should look like, derived once from config and command options: names, the
 * gateway origin, ingress rules, DNS names and the local files.
 *
 * @param unitFile         where setup writes the cloudflared unit when systemd does not have it yet
 * @param packagedUnitFile the unit the .deb installs; when it is what setup would write, setup writes none
 * @param controlApi       the control API's address when {@code --publish-control-api} publishes it, else null
 */
public record TunnelSpec(String domain, String tunnelName, String accountId, String zoneId,
                         GatewayAddress gateway, boolean pveRoute, Path tokenFile, Path unitFile,
                         Path packagedUnitFile, GatewayAddress controlApi) {

    private static final Pattern HOSTNAME =
            Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    /** Validates the config; throws {@link IllegalArgumentException} with a sentence naming the env var to fix. */
    public static TunnelSpec from(CloudflareConfig config, String gatewayListen, boolean pveRoute) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("Cloudflare is not configured: set CF_API_TOKEN (a token with "
                    + Permission.TUNNEL_EDIT.label() + " and " + Permission.DNS_EDIT.label()
                    + ") and CF_DOMAIN; CF_ACCOUNT_ID and CF_ZONE_ID are optional.");
        }
        String domain = config.domain() == null ? "" : config.domain().trim().toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("No public domain is set: set CF_DOMAIN (or PVE_PUBLIC_DOMAIN), "
                    + "e.g. example.com for sandboxes at port-8080-vm-100.example.com.");
        }
        if (!HOSTNAME.matcher(domain).matches()) {
            throw new IllegalArgumentException("CF_DOMAIN '" + domain + "' is not a domain name like example.com.");
        }
        String tunnelName = config.tunnelName() == null ? "" : config.tunnelName().trim();
        if (tunnelName.isEmpty()) {
            throw new IllegalArgumentException("CF_TUNNEL_NAME is empty; unset it to use cmux-gateway.");
        }
        CloudflareConfig defaults = CloudflareConfig.defaults();
        Path unitDir = config.systemdUnitDir() == null ? defaults.systemdUnitDir() : config.systemdUnitDir();
        Path tokenFile = config.tokenFile();
        CloudflaredUnit.render(tokenFile);  // rejects paths the unit cannot carry, before anything is changed
        return new TunnelSpec(domain, tunnelName, blankToNull(config.accountId()), blankToNull(config.zoneId()),
                GatewayAddress.parse(gatewayListen), pveRoute, tokenFile,
                unitDir.toAbsolutePath().resolve(CloudflaredUnit.FILE_NAME),
                CloudflaredUnit.PACKAGED_DIR.resolve(CloudflaredUnit.FILE_NAME), null);
    }

    /** The same tunnel also routing {@link #controlApiName()} to the control API at {@code control}. */
    public TunnelSpec withControlApi(GatewayAddress control) {
        return new TunnelSpec(domain, tunnelName, accountId, zoneId, gateway, pveRoute, tokenFile, unitFile,
                packagedUnitFile, control);
    }

    public String wildcardName() {
        return "*." + domain;
    }

    public String pveName() {
        return "pve." + domain;
    }

    /** The exact host of the published control API ({@code --publish-control-api}). */
    public String controlApiName() {
        return "gateway." + domain;
    }

    /** Names that must be proxied CNAMEs to the tunnel (and hosts of the Access application). */
    public List<String> dnsNames() {
        List<String> names = new ArrayList<>(List.of(wildcardName()));
        if (pveRoute) {
            names.add(pveName());
        }
        if (controlApi != null) {
            names.add(controlApiName());
        }
        return List.copyOf(names);
    }

    /**
     * The pve route goes to the gateway too: its {@code routing.hosts} entry forwards to PVE with the
     * pinned certificate, which cloudflared could not check. The published control API goes straight to its own
     * listener. Exact hosts come first because cloudflared takes the first match and {@code *.domain} also
     * matches them.
     */
    public List<IngressRule> ingress() {
        List<IngressRule> rules = new ArrayList<>();
        if (controlApi != null) {
            rules.add(IngressRule.route(controlApiName(), controlApi.originUrl()));
        }
        if (pveRoute) {
            rules.add(IngressRule.route(pveName(), gateway.originUrl()));
        }
        rules.add(IngressRule.route(wildcardName(), gateway.originUrl()));
        rules.add(IngressRule.catchAll("http_status:404"));
        return List.copyOf(rules);
    }

    public String unitContent() {
        return CloudflaredUnit.render(tokenFile);
    }

    /** True when systemd has the unit that runs this tunnel: written by an earlier setup, or packaged. */
    public boolean unitInPlace() {
        return CloudflaredUnit.inPlace(unitFile, packagedUnitFile, unitContent());
    }

    /** True when the package's unit runs this tunnel: setup writes none, and systemd starts it (README). */
    public boolean usesPackagedUnit() {
        return !Files.exists(unitFile) && unitInPlace();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
