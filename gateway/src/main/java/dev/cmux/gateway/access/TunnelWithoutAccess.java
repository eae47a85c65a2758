package dev.cmux.gateway.access;

import dev.cmux.gateway.config.GatewayConfig;

import java.nio.file.Files;
import java.util.Optional;

/**
 * The warning the gateway logs at every start while this host runs the tunnel (setup wrote cloudflared's token) and
 * Access is off: {@code tunnel setup --no-access} is a choice to be reminded of, not to forget.
 */
public final class TunnelWithoutAccess {

    private TunnelWithoutAccess() {
    }

    public static Optional<String> warning(GatewayConfig config) {
        if (config.access().enabled() || !Files.exists(config.cloudflare().tokenFile())) {
            return Optional.empty();
        }
        return Optional.of("the Cloudflare tunnel is set up on this host (" + config.cloudflare().tokenFile()
                + ") but Cloudflare Access is off, so anyone with a sandbox URL reaches the sandbox; run `cmux-gateway"
                + " tunnel setup --access-allow EMAILS|@DOMAIN --config FILE` to require a sign-in.");
    }
}
