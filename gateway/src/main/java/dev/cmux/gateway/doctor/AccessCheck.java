package dev.cmux.gateway.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.cloudflare.LocalProbe;
import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.doctor.Check;
import dev.cmux.gateway.config.AccessConfig;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cloudflare Access at the origin: on whenever a tunnel publishes the sandboxes, its team's signing keys reachable,
 * and this host's clock close to Cloudflare's (the keys' server says its time in {@code Date}), since a token's
 * {@code exp} and {@code nbf} are checked against it.
 *
 * @param tunnelConfigured whether Cloudflare is configured, so that the sandboxes are published
 */
public record AccessCheck(AccessConfig access, boolean tunnelConfigured, LocalProbe probe, Clock clock)
        implements Check {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<StatusLine> run() {
        if (!access.enabled()) {
            return List.of(tunnelConfigured
                    ? StatusLine.problem("Access", "off: anyone who finds a sandbox's URL reaches it through the tunnel",
                    "cmux-gateway tunnel setup --access-allow you@example.com (or set access.teamName and access.aud).")
                    : StatusLine.ok("Access", "off (no Cloudflare tunnel configured: the sandboxes are not published)"));
        }
        List<StatusLine> lines = new ArrayList<>();
        LocalProbe.Result keys = probe.get(access.certsUrl());
        int count = keys.answered() && keys.status() == 200 ? keyCount(keys.body()) : 0;
        lines.add(count > 0
                ? StatusLine.ok("Access", "team " + access.teamName() + ", application " + access.aud().substring(0, 8)
                + "…; " + count + " signing key" + (count == 1 ? "" : "s") + " at " + access.certsUrl())
                : StatusLine.problem("Access", "the team's signing keys at " + access.certsUrl() + ": "
                + (keys.answered() ? "HTTP " + keys.status() + (keys.status() == 200 ? " without keys" : "")
                : keys.failure()), "check access.teamName (the <team> of <team>.cloudflareaccess.com) and that "
                + "this host reaches it over HTTPS."));
        if (keys.date() != null) {
            Duration off = Duration.between(keys.date(), clock.instant()).abs();
            // Date has whole seconds; half the allowed skew leaves room for the request's own time
            lines.add(off.compareTo(access.clockSkew().dividedBy(2)) <= 0
                    ? StatusLine.ok("clock", "within " + Math.max(1, off.toSeconds()) + " s of Cloudflare's")
                    : StatusLine.problem("clock", off.toSeconds() + " s off Cloudflare's (Access tokens are checked "
                    + "against it, allowing " + access.clockSkew().toSeconds() + " s)",
                    "timedatectl set-ntp true (or fix the host's NTP)."));
        }
        return lines;
    }

    private static int keyCount(String body) {
        try {
            JsonNode keys = JSON.readTree(body).path("keys");
            return keys.isArray() ? keys.size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
