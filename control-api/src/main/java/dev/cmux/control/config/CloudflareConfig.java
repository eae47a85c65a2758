package dev.cmux.control.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Cloudflare tunnel and DNS settings. Disabled when {@link #apiToken()} is missing.
 *
 * @param apiUrl         API base (env {@code CF_API_URL}); tests point it at the emulator
 * @param apiToken       API token (env {@code CF_API_TOKEN})
 * @param accountId      account that owns the tunnel (env {@code CF_ACCOUNT_ID})
 * @param zoneId         zone of the domain, found from the domain when absent (env {@code CF_ZONE_ID})
 * @param domain         the public domain; sandboxes are {@code port-P-vm-V.<domain>} (env {@code CF_DOMAIN})
 * @param tunnelName     tunnel name (env {@code CF_TUNNEL_NAME})
 * @param cloudflaredDir where the tunnel token file is written (env {@code CLOUDFLARED_DIR})
 * @param systemdUnitDir where the cloudflared unit is written (env {@code SYSTEMD_UNIT_DIR})
 * @param readyUrl       cloudflared's readiness endpoint, its {@code --metrics} address plus {@code /ready}
 *                       (env {@code CLOUDFLARED_READY_URL}), which {@code tunnel status} and {@code doctor} ask
 */
public record CloudflareConfig(URI apiUrl, String apiToken, String accountId, String zoneId, String domain,
                               String tunnelName, Path cloudflaredDir, Path systemdUnitDir, URI readyUrl) {

    public static final URI DEFAULT_API_URL = URI.create("https://api.cloudflare.com/client/v4");
    /** Where the cloudflared unit that {@code tunnel setup} writes serves its metrics ({@code --metrics}). */
    public static final URI DEFAULT_READY_URL = URI.create("http://127.0.0.1:20241/ready");

    public static CloudflareConfig defaults() {
        return new CloudflareConfig(DEFAULT_API_URL, null, null, null, null, "cmux-gateway",
                Path.of("/etc/cmux-gateway/cloudflared"), Path.of("/etc/systemd/system"), DEFAULT_READY_URL);
    }

    /**
     * The {@code cloudflare} section with its environment overrides.
     *
     * @param publicDomain the gateway's {@code domain}: the tunnel serves it unless this section names another
     */
    public static CloudflareConfig read(ConfigSection s, String publicDomain) {
        s.allowOnly("apiUrl", "apiToken", "accountId", "zoneId", "domain", "tunnelName", "cloudflaredDir",
                "systemdUnitDir", "readyUrl");
        CloudflareConfig d = defaults();
        String domain = s.value("domain", "CF_DOMAIN", ConfigValues::domain, null);
        return new CloudflareConfig(
                s.value("apiUrl", "CF_API_URL", ConfigValues::httpUrl, d.apiUrl()),
                s.string("apiToken", "CF_API_TOKEN"),
                s.string("accountId", "CF_ACCOUNT_ID"),
                s.string("zoneId", "CF_ZONE_ID"),
                domain != null ? domain : publicDomain,
                s.value("tunnelName", "CF_TUNNEL_NAME", Function.identity(), d.tunnelName()),
                s.value("cloudflaredDir", "CLOUDFLARED_DIR", Path::of, d.cloudflaredDir()),
                s.value("systemdUnitDir", "SYSTEMD_UNIT_DIR", Path::of, d.systemdUnitDir()),
                s.value("readyUrl", "CLOUDFLARED_READY_URL", ConfigValues::httpUrl, d.readyUrl()));
    }

    /** cloudflared's tunnel token, which {@code tunnel setup} writes: its presence means this host runs the tunnel. */
    public Path tokenFile() {
        return (cloudflaredDir == null ? defaults().cloudflaredDir() : cloudflaredDir).toAbsolutePath().resolve("token");
    }

    public boolean enabled() {
        return apiToken != null && !apiToken.isEmpty();
    }

    @Override
    public String toString() {
        return "CloudflareConfig[apiUrl=" + apiUrl + ", apiToken=" + Secrets.redact(apiToken)
                + ", accountId=" + accountId + ", zoneId=" + zoneId + ", domain=" + domain
                + ", tunnelName=" + tunnelName + ", cloudflaredDir=" + cloudflaredDir
                + ", systemdUnitDir=" + systemdUnitDir + ", readyUrl=" + readyUrl + "]";
    }
}
