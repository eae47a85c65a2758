package dev.cmux.gateway;

import dev.cmux.control.api.ControlServer;
import dev.cmux.control.cli.SandboxCommand;
import dev.cmux.control.cloudflare.TunnelCommand;
import dev.cmux.gateway.config.ConfigException;
import dev.cmux.gateway.config.ConfigLoader;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.ValidateCommand;
import dev.cmux.gateway.log.Logging;
import dev.cmux.gateway.server.GatewayServer;
import dev.cmux.gateway.transport.Transport;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * {@code cmux-gateway [run] [--config FILE]}, {@code cmux-gateway validate [--config FILE]},
 * {@code cmux-gateway version}. Diagnostics and the access log go to standard output (the journal), one JSON
 * object per line.
 */
public final class Main {

    static final String USAGE = """
            usage: cmux-gateway [run] [--config FILE]      start the gateway (built-in defaults without a file)
                   cmux-gateway validate [--config FILE]   check a config file and exit
                   cmux-gateway tunnel setup [--dry-run] [--replace-records] [--pve-route] [--config FILE]
                   cmux-gateway tunnel status [--pve-route] [--ready-url URL] [--config FILE]
                   cmux-gateway tunnel teardown --yes [--config FILE]
                                                           the Cloudflare tunnel and DNS (needs CF_API_TOKEN)
                   cmux-gateway sandbox create [--wait] [--cores N] [--memory MiB] [--ttl D] | list | get VMID
                                | exec VMID -- CMD... | start VMID | stop VMID | destroy VMID [--config FILE]
                                                           drive sandboxes through the running gateway's control API
                   cmux-gateway version                    print the version
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = !rest.isEmpty() && !rest.get(0).startsWith("-") ? rest.remove(0) : "run";
        Path config = null;
        List<String> words = new ArrayList<>();
        boolean subcommand = command.equals("tunnel") || command.equals("sandbox");
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (arg.equals("--") && subcommand) {
                words.addAll(rest.subList(i, rest.size())); // exec VMID -- CMD...: the command's words are its own
                break;
            }
            if ((arg.equals("--config") || arg.equals("-c")) && i + 1 < rest.size()) {
                config = Path.of(rest.get(++i));
            } else if (arg.startsWith("--config=")) {
                config = Path.of(arg.substring("--config=".length()));
            } else if ((arg.equals("--help") || arg.equals("-h")) && !subcommand) {
                out.print(USAGE);
                return 0;
            } else {
                words.add(arg); // the subcommand's own words (tunnel setup --dry-run ...)
            }
        }
        if (!words.isEmpty() && !subcommand) {
            err.println("cmux-gateway: unknown argument '" + words.get(0) + "'");
            err.print(USAGE);
            return 2;
        }
        return switch (command) {
            case "run" -> serve(config, env, err);
            case "validate" -> ValidateCommand.run(config, env, out, err);
            case "tunnel" -> withConfig(config, env, err, c -> TunnelCommand.run(words, c.cloudflare(),
                    c.listen().getHostString() + ":" + c.listen().getPort(), out, err));
            case "sandbox" -> withConfig(config, env, err, c -> SandboxCommand.run(words, controlUrl(c),
                    c.control().token(), out, err));
            case "version" -> {
                out.println("cmux-gateway " + version());
                yield 0;
            }
            case "help" -> {
                out.print(USAGE);
                yield 0;
            }
            default -> {
                err.println("cmux-gateway: unknown command '" + command + "'");
                err.print(USAGE);
                yield 2;
            }
        };
    }

    /** The control API of the gateway that runs with this config (a wildcard listen address is asked on loopback). */
    private static String controlUrl(GatewayConfig c) {
        String host = c.control().listen().getHostString();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + c.control().listen().getPort();
    }

    /** Loads the config for a subcommand; an invalid one exits 2 with one line per problem, as {@code run} does. */
    private static int withConfig(Path file, Map<String, String> env, PrintStream err,
                                  java.util.function.ToIntFunction<GatewayConfig> command) {
        try {
            return command.applyAsInt(ConfigLoader.load(file, env));
        } catch (ConfigException e) {
            e.lines(ValidateCommand.sourceName(file)).forEach(err::println);
            return 2;
        }
    }

    private static int serve(Path configFile, Map<String, String> env, PrintStream err) {
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
        Transport transport = Transport.best();
        GatewayProcess process;
        try {
            // SIGHUP and POST /v1/reload share one reloader: re-read the file, keep the running config when invalid
            process = GatewayProcess.start(config, transport, server -> new ConfigReloader(configFile, env, server)::reload);
        } catch (GatewayProcess.StartFailure e) {
            err.println("cmux-gateway: " + e.getMessage());
            return 1;
        }
        GatewayServer gateway = process.gateway;
        ControlServer control = process.control;
        long startMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        // no "http://" in the message: the JSON encoder would print it as http:\/\/, which nobody can grep for
        log.info("cmux-gateway " + version() + " listening on " + hostPort(gateway.address().toString())
                + " (data plane, " + transport.name().toLowerCase() + ", " + Runtime.getRuntime().availableProcessors()
                + " event loops" + (gateway.tlsAddress() == null ? "" : "; https on "
                + hostPort(gateway.tlsAddress().toString())) + "); control API on " + hostPort(control.address().toString())
                + "; domain " + (config.domain() == null ? "any" : config.domain())
                + "; started in " + startMillis + " ms");

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
