package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

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

    /** Off unless both {@code teamName} and {@code aud} are set; one without the other is a mistake. */
    static AccessConfig read(ConfigSection s) {
        s.allowOnly("teamName", "aud", "certsUrl", "issuer", "clockSkew", "bypassHosts", "bypassPorts");
        String team = s.string("teamName");
        String aud = s.string("aud");
        if (team == null || aud == null) {
            if (team != null || aud != null) {
                s.problem(team == null ? "teamName" : "aud",
                        "set both teamName and aud to enable Cloudflare Access checks");
            }
            return disabled();
        }
        if (!aud.matches("[0-9a-f]{64}")) {
            s.problem("aud", "expected the Application Audience (AUD) tag: 64 hex characters");
        }
        String issuer = s.value("issuer", v -> v, "https://" + team + ".cloudflareaccess.com");
        return new AccessConfig(team, aud, s.value("certsUrl", ConfigValues::httpUrl,
                URI.create(issuer + "/cdn-cgi/access/certs")), issuer,
                s.value("clockSkew", ConfigValues::duration, disabled().clockSkew()),
                s.list("bypassHosts", h -> h.toLowerCase(Locale.ROOT), List.of()),
                s.list("bypassPorts", PortRange::parse, List.of()));
    }

    public boolean enabled() {
        return teamName != null && aud != null;
    }

    public boolean bypasses(String host, int sandboxPort) {
        return host != null && bypassHosts.contains(host)
                || sandboxPort > 0 && PortRange.anyContains(bypassPorts, sandboxPort);
    }
}
