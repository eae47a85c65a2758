package dev.cmux.gateway.cli;

import dev.cmux.control.cli.CommandLines;
import dev.cmux.control.cli.ControlApiClient;
import dev.cmux.control.cli.DoctorCommand;
import dev.cmux.control.cli.SandboxCommand;
import dev.cmux.control.cli.TemplateCommand;
import dev.cmux.control.config.HostPort;
import dev.cmux.control.cloudflare.AccessCommand;
import dev.cmux.control.cloudflare.PublishedControlApi;
import dev.cmux.control.cloudflare.TunnelCommand;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.gateway.config.ConfigException;
import dev.cmux.gateway.config.ConfigLoader;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.ValidateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/**
 * {@code cmux-gateway}: the root of the command tree. With no command it runs the gateway, as it did before it had
 * commands ({@code java -jar cmux-gateway.jar --config FILE}); {@code --config} may follow any command.
 */
@Command(name = "cmux-gateway",
        description = "Routes https://port-P-vm-V.<domain> to the sandbox cmux-V and serves the control API that"
                + " makes sandboxes. With no command it runs.",
        footer = "%nExit codes: 0 done, 1 failed, 2 usage or config error.")
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The YAML config (default: built-in defaults, data plane on 127.0.0.1:8080 and control"
                    + " API on 127.0.0.1:8081). Environment variables override it.")
    private Path configFile;
    private final Map<String, String> env;
    private final ToIntFunction<Path> serve;
    private final ToIntFunction<Path> warmUp;

    private GatewayCommand(Map<String, String> env, ToIntFunction<Path> serve, ToIntFunction<Path> warmUp) {
        this.env = env;
        this.serve = serve;
        this.warmUp = warmUp;
    }

    /**
     * The whole tree, ready to {@link CommandLine#execute execute}.
     *
     * @param version the version {@code version} prints
     * @param serve   starts the gateway with a config file (null: built-in defaults) and returns its exit code
     * @param warmUp  the training run of the class-data archive, with the config file a start would read
     */
    public static CommandLine commandLine(Map<String, String> env, String version, ToIntFunction<Path> serve,
                                          ToIntFunction<Path> warmUp, PrintWriter out, PrintWriter err) {
        GatewayCommand root = new GatewayCommand(env, serve, warmUp);
        CommandLine tree = new CommandLine(root)
                .addSubcommand(new RunCommand(root))
                .addSubcommand(new ValidateCommand(() -> root.configFile, env))
                .addSubcommand(TunnelCommand.commandLine(root::tunnelSettings))
                .addSubcommand(AccessCommand.commandLine(root::tunnelSettings))
                .addSubcommand(SandboxCommand.commandLine(root::controlApi))
                .addSubcommand(TemplateCommand.templates(root::controlApi))
                .addSubcommand(TemplateCommand.presets(root::controlApi))
                .addSubcommand(new DoctorCommand(root::controlApi))
                .addSubcommand(new WarmUpCommand(root))
                .addSubcommand(new VersionCommand(version));
        tree.setExecutionExceptionHandler(root::reportConfigError);
        return CommandLines.forShell(tree, out, err);
    }

    @Override
    public Integer call() {
        return serve.applyAsInt(configFile);
    }

    /** {@code warm-up}: the training run, with the config a start would read. */
    int warmUp() {
        return warmUp.applyAsInt(configFile);
    }

    /** A plain start: the config file, or null for the built-in defaults. */
    public record PlainRun(Path configFile) {
    }

    /**
     * {@code args} when they only start the gateway — none, {@code run}, and {@code -c|--config FILE} (or
     * {@code --config=FILE}) before or after it, as the unit and the README start it — else null. Such a start skips
     * building the tree of every command, which took a quarter of the time to listening (issue #23); anything else,
     * {@code --help} included, goes through the tree.
     */
    public static PlainRun plainRun(String[] args) {
        Path config = null;
        boolean run = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("run") && !run) {
                run = true;
            } else if ((a.equals("-c") || a.equals("--config")) && config == null && i + 1 < args.length
                    && !args[i + 1].startsWith("-")) {
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=") && config == null && a.length() > "--config=".length()) {
                config = Path.of(a.substring("--config=".length()));
            } else {
                return null;
            }
        }
        return new PlainRun(config);
    }

    private GatewayConfig config() throws ConfigException {
        return ConfigLoader.load(configFile, env);
    }

    private TunnelCommand.Settings tunnelSettings() throws ConfigException {
        GatewayConfig c = config();
        ControlApiClient control = controlApi(c);
        return new TunnelCommand.Settings(c.cloudflare(), c.listen().getHostString() + ":" + c.listen().getPort(),
                configFile, control::reloadGateway, new PublishedControlApi.Endpoint(
                new HostPort(c.control().listen().getHostString(), c.control().listen().getPort()).toString(),
                c.control().hasToken()), NodeLocator.thisNode(c.pve().node()));
    }

    /** The control API of the gateway that runs with this config (a wildcard listen address is asked on loopback). */
    private ControlApiClient controlApi() throws ConfigException {
        return controlApi(config());
    }

    private static ControlApiClient controlApi(GatewayConfig c) {
        String host = c.control().listen().getHostString();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return new ControlApiClient("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + c.control().listen().getPort(), c.control().token());
    }

    /** An unusable config stops every command as it stops {@code run}: one line per problem, exit 2. */
    private int reportConfigError(Exception e, CommandLine command, ParseResult parsed) throws Exception {
        if (!(e instanceof ConfigException invalid)) {
            throw e;
        }
        invalid.lines(ValidateCommand.sourceName(configFile)).forEach(command.getErr()::println);
        return CommandLine.ExitCode.USAGE;
    }
}
