package dev.cmux.gateway;

import dev.cmux.gateway.config.ConfigLoader;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.server.GatewayServer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The reloader as Main builds it, for tests in other packages. */
public final class ConfigReloaderAccess {

    private final ConfigReloader reloader;

    public ConfigReloaderAccess(Path file, GatewayServer server) {
        this.reloader = new ConfigReloader(file, Map.of(), server);
    }

    public List<String> reload() {
        return reloader.reload();
    }

    public static GatewayConfig load(Path file) {
        try {
            return ConfigLoader.load(file, Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
