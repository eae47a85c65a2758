package dev.cmux.gateway;

import dev.cmux.gateway.config.ConfigException;
import dev.cmux.gateway.config.ConfigLoader;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.ValidateCommand;
import dev.cmux.gateway.log.Logging;
import dev.cmux.gateway.server.GatewayServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * SIGHUP (systemctl reload): reads the config file again and, when it is valid, hands it to the running gateway.
 * An invalid file changes nothing and says why, line by line; open WebSockets and requests are never touched.
 */
public final class ConfigReloader {

    private static final Logger LOG = Logger.getLogger("cmux-gateway");

    private final Path file;
    private final Map<String, String> env;
    private final GatewayServer server;

    public ConfigReloader(Path file, Map<String, String> env, GatewayServer server) {
        this.file = file;
        this.env = env;
        this.server = server;
    }

    /** @return the problems that kept the old config; empty when the new one is in force */
    public synchronized List<String> reload() {
        GatewayConfig next;
        try {
            next = ConfigLoader.load(file, env);
        } catch (ConfigException e) {
            List<String> lines = e.lines(ValidateCommand.sourceName(file));
            lines.forEach(l -> LOG.warning("reload refused, the running config stays: " + l));
            return lines;
        }
        List<String> notes = new ArrayList<>();
        GatewayConfig running = server.config();
        if (!next.listen().equals(running.listen()) || !next.control().equals(running.control())
                || !next.tls().equals(running.tls())) {
            notes.add("listen, control and tls take effect at the next restart");
        }
        try {
            server.reconfigure(next);
            Logging.apply(next.logging());
        } catch (Exception e) {
            String line = "cmux-gateway: " + ValidateCommand.sourceName(file) + ": " + e.getMessage();
            LOG.warning("reload refused, the running config stays: " + line);
            return List.of(line);
        }
        LOG.info("reloaded " + ValidateCommand.sourceName(file) + (notes.isEmpty() ? "" : " (" + String.join("; ",
                notes) + ")"));
        return List.of();
    }
}
