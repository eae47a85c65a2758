package dev.cmux.gateway.access;

import dev.cmux.gateway.config.ConfigLoader;
import dev.cmux.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunnelWithoutAccessTest {

    @TempDir
    Path dir;

    private GatewayConfig config(String yaml) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, Map.of("CLOUDFLARED_DIR", dir.resolve("cloudflared").toString()));
    }

    @Test
    void aTunnelOnThisHostWithAccessOffIsWarnedAbout() throws Exception {
        Files.createDirectories(dir.resolve("cloudflared"));
        Files.writeString(dir.resolve("cloudflared").resolve("token"), "ey…");

        String warning = TunnelWithoutAccess.warning(config("listen: 127.0.0.1:8080\n")).orElseThrow();

        assertTrue(warning.contains("Cloudflare Access is off") && warning.contains("--access-allow"), warning);
    }

    @Test
    void accessOnOrNoTunnelIsNoWarning() throws Exception {
        assertEquals(Optional.empty(), TunnelWithoutAccess.warning(config("listen: 127.0.0.1:8080\n")),
                "no tunnel set up here");
        Files.createDirectories(dir.resolve("cloudflared"));
        Files.writeString(dir.resolve("cloudflared").resolve("token"), "ey…");
        assertEquals(Optional.empty(), TunnelWithoutAccess.warning(config("access:\n  teamName: myteam\n  aud: \""
                + LoopbackAccessTeam.AUD + "\"\n")));
    }
}
