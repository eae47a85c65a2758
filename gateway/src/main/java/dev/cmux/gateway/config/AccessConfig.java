package dev.cmux.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Cloudflare Access at the origin: every request must carry a valid Access JWT for the application {@code aud}
 * (header {@code Cf-Access-Jwt-Assertion} from cloudflared, or the {@code CF_Authorization} cookie), unless its
 * host or sandbox port is bypassed. Off when {@code teamName} is not set.
 *
 * @param certsUrl    the team's JWKS, {@code https://<team>.cloudflareaccess.com/cdn-cgi/access/certs}
 * @param issuer      the expected {@code iss}, {@code https://<team>.cloudflareaccess.com}
 * @param clockSkew   allowed difference of clocks for {@code exp} and {@code nbf}
 * @param bypassHosts exact hosts served without a token (e.g. a public preview)
 * @param bypassPorts sandbox ports served without a token
 */
public record AccessConfig(String teamName, String aud, URI certsUrl, String issuer, Duration clockSkew,
                           List<String> bypassHosts, List<PortRange> bypassPorts) {

    public AccessConfig {
        bypassHosts = List.copyOf(bypassHosts);
        bypassPorts = List.copyOf(bypassPorts);
    }

    public static AccessConfig disabled() {
        return new AccessConfig(null, null, null, null, Duration.ofSeconds(60), List.of(), List.of());
    }

    public boolean enabled() {
        return teamName != null && aud != null;
    }

    public boolean bypasses(String host, int sandboxPort) {
        if (host != null && bypassHosts.contains(host)) {
            return true;
        }
        for (PortRange r : bypassPorts) {
            if (sandboxPort > 0 && r.contains(sandboxPort)) {
                return true;
            }
        }
        return false;
    }
}
