package dev.cmux.gateway;

import dev.cmux.gateway.access.TunnelWithoutAccess;
import dev.cmux.gateway.cli.GatewayCommand;
import dev.cmux.gateway.config.ConfigException;
import dev.cmux.gateway.config.ConfigLoader;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.ValidateCommand;
import dev.cmux.gateway.log.Logging;
import dev.cmux.gateway.server.GatewayServer;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.warmup.WarmUp;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The process: {@code cmux-gateway [run] [--config FILE]} serves until SIGTERM; the other commands
 * ({@code validate}, {@code tunnel}, {@code sandbox}, {@code version}) are in {@link GatewayCommand}'s tree.
 * Diagnostics and the access log go to standard output (the journal), one JSON object per line.
 */
public final class Main {

    private Main() {
    }

    /** How long a start waits for its warm-up before it listens anyway (it took 0.7-1.0 s here, on two cores). */
    private static final Duration WARM_UP_BUDGET = Duration.ofSeconds(3);

    public static void main(String[] args) {
        // Netty 4.2 describes its buffer allocations as JFR events. The first allocation that asks whether they are
        // enabled initializes JFR's metadata, which cost the first request after a start about 90 ms (issue #23).
        // Nothing records them unless JFR runs: -Dio.netty.jfr.enabled=true in JAVA_OPTS turns them back on.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        GatewayCommand.PlainRun plain = GatewayCommand.plainRun(args);
        if (plain != null) {
            return serve(plain.configFile(), env, err);
        }
        PrintWriter stdout = new PrintWriter(out, true);
        PrintWriter stderr = new PrintWriter(err, true);
        int exitCode = GatewayCommand.commandLine(env, version(), configFile -> serve(configFile, env, err),
                configFile -> TrainingRun.run(configFile, env, stdout, stderr), stdout, stderr).execute(args);
        stdout.flush(); // what a command printed without a line end; System.exit would drop it
        stderr.flush();
        return exitCode;
    }

    private static int serve(Path configFile, Map<String, String> env, PrintStream err) {
        Transport transport = Transport.best();
        // the request path is run through beside the start, on the other core, so that the first visitor meets it
        // warm (README "Cold start")
        CompletableFuture<WarmUp.Result> warmUp = WarmUp.begin(transport, WarmUp.ROUNDS_BESIDE_THE_START);
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile, env);
        } catch (ConfigException e) {
            e.lines(ValidateCommand.sourceName(configFile)).forEach(err::println);
            return 2;
        }
        Logging.install();
        Logging.apply(config.logging());
        Logger log = Logger.getLogger("cmux-gateway");
        WarmUp.awaitBeforeListening(warmUp, WARM_UP_BUDGET);
        GatewayProcess process;
        try {
            // SIGHUP and POST /v1/reload share one reloader: re-read the file, keep the running config when invalid
            process = GatewayProcess.start(config, transport, configFile,
                    server -> new ConfigReloader(configFile, env, server)::reload);
        } catch (GatewayProcess.StartFailure e) {
            err.println("cmux-gateway: " + e.getMessage());
            return 1;
        }
        GatewayServer gateway = process.gateway;
        log.info(listeningLine(config, process, transport));
        TunnelWithoutAccess.warning(config).ifPresent(log::warning);

        SystemdNotify systemd = SystemdNotify.from(env, transport == Transport.EPOLL ? gateway.eventLoops() : null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            notify(systemd, "STOPPING=1");
            log.info("stopping: no new connections; in-flight requests get up to "
                    + gateway.config().timeouts().shutdownGrace().toSeconds() + " s");
            process.close();
            log.info("stopped");
            Logging.flush();
            stopped.countDown();
        };
        StopSignals.onTermOrInt(stop);
        StopSignals.onHup(() -> {
            notify(systemd, "RELOADING=1");
            process.reload.get();
            notify(systemd, "READY=1");
        });
        // only now: a reload or stop that follows READY=1 at once must meet these handlers, not the JVM's own
        // (its SIGHUP default ends the process)
        notify(systemd, "READY=1\nSTATUS=listening on " + hostPort(gateway.address().toString()));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** What the journal says once the gateway listens. */
    static String listeningLine(GatewayConfig config, GatewayProcess process, Transport transport) {
        GatewayServer gateway = process.gateway;
        // the process's age from /proc: asking the runtime MXBean would start JMX for this one number
        long startMillis = ProcessAge.millis();
        // no "http://" in the message: the JSON encoder would print it as http:\/\/, which nobody can grep for
        return "cmux-gateway " + version() + " listening on " + hostPort(gateway.address().toString())
                + " (data plane, " + transport.name().toLowerCase() + ", " + Runtime.getRuntime().availableProcessors()
                + " event loops" + (gateway.tlsAddress() == null ? "" : "; https on "
                + hostPort(gateway.tlsAddress().toString())) + "); control API on "
                + hostPort(process.control.address().toString())
                + "; domain " + (config.domain() == null ? "any" : config.domain())
                + "; started in " + startMillis + " ms";
    }

    private static void notify(SystemdNotify systemd, String state) {
        if (systemd != null) {
            systemd.send(state);
        }
    }

    private static String hostPort(String socketAddress) {
        // InetSocketAddress prints "/127.0.0.1:8080" or "localhost/127.0.0.1:8080"
        return socketAddress.substring(socketAddress.indexOf('/') + 1);
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
