package dev.cmux.gateway.config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code cmux-gateway validate [--config FILE]}: the checks {@code run} makes, without starting anything. An
 * invalid config leaves as a {@link ConfigException}: the command line reports it as it does for every command.
 */
@Command(name = "validate", description = "Check the config file (with the environment's overrides) as run would,"
        + " print a summary and exit; exit 2 with one line per problem when it cannot be used.")
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;
    private final Supplier<Path> file;
    private final Map<String, String> env;

    /** @param file the {@code --config} file once the command line is parsed; null for the built-in defaults */
    public ValidateCommand(Supplier<Path> file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig c = ConfigLoader.load(file.get(), env);
        PrintWriter out = spec.commandLine().getOut();
        out.println(sourceName(file.get()) + ": ok");
        out.println("  listen " + c.listen().getHostString() + ":" + c.listen().getPort()
                + ", domain " + (c.domain() == null ? "(any)" : c.domain())
                + ", control API " + c.control().listen().getHostString() + ":" + c.control().listen().getPort()
                + (c.control().hasToken() ? " (token set)" : " (no token: loopback only)"));
        out.println("  PVE " + (c.pve().enabled() ? "configured" : "not configured")
                + ", Cloudflare " + (c.cloudflare().enabled() ? "configured" : "not configured")
                + ", " + c.routing().hosts().size() + " exact-host route(s)");
        return 0;
    }

    public static String sourceName(Path file) {
        return file == null ? "built-in defaults" : file.toString();
    }
}
