package dev.cmux.control.cloudflare;

import java.nio.file.Path;

/**
 * What {@code tunnel setup --access-allow} adds to the tunnel: who may sign in, the gateway config file that gets
 * {@code access.teamName} and {@code access.aud}, and how the running gateway is told to read it again.
 */
public record AccessSetup(AccessAllow allow, Path configFile, GatewayReload reload) {
}
