package dev.cmux.gateway;

import dev.cmux.control.config.ControlConfig;
import dev.cmux.gateway.access.TunnelWithoutAccess;
import dev.cmux.gateway.config.ConfigException;
import dev.cmux.gateway.config.ConfigLoader;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.Logging;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.warmup.WarmUp;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code cmux-gateway warm-up}: the training run of the class-data archive the launcher keeps (README "Cold start").
 * It goes through what a start goes through, so that the archive holds the classes of the whole start and not only
 * those of the request path: it reads the config as {@code run} would, starts a gateway with its control API, and
 * runs the warm-up's rounds. Trained on the warm-up alone, a start still loaded about 550 classes from the jar (the
 * config's YAML, the control API) and listened 110-140 ms later (bench/results/2026-12-07-cold-start-path.md).
 * <p>
 * The gateway it starts is not the configured one: it listens on loopback ports the kernel picks and knows neither
 * PVE nor Cloudflare, so a training run reaches nothing outside this process and never meets a running gateway.
 */
final class TrainingRun {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private TrainingRun() {
    }

    /** @param configFile the config a start reads (postinst passes the unit's), or null for the built-in defaults */
    static int run(Path configFile, Map<String, String> env, PrintWriter out, PrintWriter err) {
        Transport transport = Transport.best();
        try {
            ConfigLoader.load(configFile, env);
        } catch (ConfigException e) {
            // reading it loaded the classes all the same; what is wrong with it is for run and validate to say
            err.println("warm-up: the config has problems (cmux-gateway validate names them); training goes on");
        }
        Logging.install();
        GatewayConfig onLoopback = GatewayConfig.builder().listen(ANY_LOOPBACK_PORT)
                .control(new ControlConfig(ANY_LOOPBACK_PORT, null)).build();
        GatewayProcess process;
        try {
            process = GatewayProcess.start(onLoopback, transport, server -> List::of);
        } catch (GatewayProcess.StartFailure e) {
            err.println("warm-up: " + e.getMessage());
            return 1;
        }
        try {
            // what the start does once it listens, minus the signals and systemd's READY
            Main.listeningLine(onLoopback, process, transport);
            TunnelWithoutAccess.warning(onLoopback);
            WarmUp.Result r = WarmUp.run(transport, WarmUp.ROUNDS);
            out.println("warm-up: " + r.statuses() + " by status in " + r.millis() + " ms");
            return 0;
        } catch (Exception e) {
            err.println("warm-up: " + e);
            return 1;
        } finally {
            process.close();
        }
    }
}
