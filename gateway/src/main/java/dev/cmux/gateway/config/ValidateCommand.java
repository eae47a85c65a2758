package dev.cmux.gateway.config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** {@code cmux-gateway validate [--config FILE]}: the checks {@code run} makes, without starting anything. */
public final class ValidateCommand {

    private ValidateCommand() {
    }

    /** 0 when the config can be used (a summary goes to {@code out}), 2 with one line per problem otherwise. */
    public static int run(Path file, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            GatewayConfig c = ConfigLoader.load(file, env);
            out.println(sourceName(file) + ": ok");
            out.println("  listen " + c.listen().getHostString() + ":" + c.listen().getPort()
                    + ", domain " + (c.domain() == null ? "(any)" : c.domain())
                    + ", control API " + c.control().listen().getHostString() + ":" + c.control().listen().getPort()
                    + (c.control().hasToken() ? " (token set)" : " (no token: loopback only)"));
            out.println("  PVE " + (c.pve().enabled() ? "configured" : "not configured")
                    + ", Cloudflare " + (c.cloudflare().enabled() ? "configured" : "not configured")
                    + ", " + c.routing().hosts().size() + " exact-host route(s)");
            return 0;
        } catch (ConfigException e) {
            e.lines(sourceName(file)).forEach(err::println);
            return 2;
        }
    }

    public static String sourceName(Path file) {
        return file == null ? "built-in defaults" : file.toString();
    }
}
