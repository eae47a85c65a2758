package dev.cmux.control.cloudflare;

import dev.cmux.control.config.CloudflareConfig;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code tunnel setup|status|teardown}: the CLI face of {@link TunnelSetup}, {@link TunnelStatus} and
 * {@link TunnelTeardown}.
 */
@Command(name = "tunnel",
        description = "The Cloudflare tunnel and DNS that bring https://*.<domain> to this gateway"
                + " (needs CF_API_TOKEN and CF_DOMAIN).",
        footer = "%nExit codes: 0 done / all ok, 1 failed / a problem found, 2 usage or config error.")
public final class TunnelCommand {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /**
     * What the commands act on, known once the config file named on the command line is read.
     *
     * @param cloudflare    Cloudflare settings (token, domain, names, directories)
     * @param gatewayListen the gateway's data-plane listen address, e.g. {@code 127.0.0.1:8080}
     * @param configFile    the gateway's config file ({@code --config}), where Access settings go; null without one
     * @param reload        tells the running gateway to read its config file again
     * @param controlApi    the control API, which {@code --publish-control-api} routes {@code gateway.<domain>} to
     * @param node          the PVE node this gateway runs on ({@code NodeLocator.thisNode(pve.node)}), which
     *                      {@code status} names on this host's connector
     */
    public record Settings(CloudflareConfig cloudflare, String gatewayListen, Path configFile, GatewayReload reload,
                           PublishedControlApi.Endpoint controlApi, String node) {
    }

    @Spec
    private CommandSpec spec;
    private final Callable<Settings> settings;
    private final RetryPolicy retry;

    private TunnelCommand(Callable<Settings> settings, RetryPolicy retry) {
        this.settings = settings;
        this.retry = retry;
    }

    /**
     * The tunnel commands (classes with annotated fields, as the sandbox commands, for the same reason).
     *
     * @param settings called only when a command runs; an exception from it is the caller's to report
     */
    public static CommandLine commandLine(Callable<Settings> settings) {
        return commandLine(settings, RetryPolicy.defaults());
    }

    /** As {@link #commandLine(Callable)} with a chosen 429 policy. */
    public static CommandLine commandLine(Callable<Settings> settings, RetryPolicy retry) {
        TunnelCommand tunnel = new TunnelCommand(settings, retry);
        return new CommandLine(tunnel).addSubcommand(tunnel.new SetupTunnel())
                .addSubcommand(tunnel.new CheckTunnel()).addSubcommand(tunnel.new TeardownTunnel());
    }

    @Command(name = "setup", description = "Create or update the Access application and policy (with"
            + " --access-allow), the tunnel, its ingress (*.<domain> -> the gateway), the proxied wildcard CNAME and"
            + " cloudflared's token and unit; a second run changes nothing.")
    private final class SetupTunnel implements Callable<Integer> {

        @Option(names = "--access-allow", paramLabel = "EMAILS|@DOMAIN",
                description = "Put the hostnames behind Cloudflare Access, letting in these emails and @domains"
                        + " (comma-separated); writes access.teamName and access.aud into the --config file and"
                        + " reloads the gateway.")
        private String accessAllow;
        @Option(names = "--no-access", description = "Leave the hostnames public, without Cloudflare Access.")
        private boolean noAccess;
        @Option(names = "--publish-control-api", description = "Route gateway.<domain> to the control API too,"
                + " behind Access (programs use a service token) and the control API's bearer token.")
        private boolean publishControlApi;
        @Option(names = "--dry-run", description = "Print the plan; change nothing.")
        private boolean dryRun;
        @Option(names = "--replace-records", description = "Delete A/AAAA records that stand where the CNAME must go.")
        private boolean replaceRecords;
        @Option(names = "--pve-route", description = "Route pve.<domain> through the gateway too.")
        private boolean pveRoute;

        @Override
        public Integer call() throws Exception {
            return against(pveRoute, (client, tunnel, settings) -> {
                PrintWriter out = out();
                Optional<AccessSetup> access = AccessChoice.of(accessAllow, noAccess, settings.configFile(),
                        settings.reload());
                TunnelSetup setup = new TunnelSetup(client, PublishedControlApi.apply(tunnel, publishControlApi,
                        access, settings.controlApi()), replaceRecords, access);
                TunnelPlan plan = setup.plan();
                Zone zone = plan.site().zone();
                out.println("tunnel " + tunnel.tunnelName() + " for " + tunnel.wildcardName() + " -> "
                        + tunnel.gateway().originUrl() + " (account " + plan.site().accountId() + ", zone "
                        + (zone.name() == null ? zone.id() : zone.name()) + ")");
                plan.warnings().forEach(w -> out.println("warning: " + w));
                if (plan.isEmpty() && !plan.blocked()) {
                    out.println("nothing to change: " + (accessAllow == null ? "" : "Access, ")
                            + "the tunnel, ingress, DNS and local files are already in place.");
                    return OK;
                }
                out.println(dryRun ? "plan (dry run, nothing changed):" : "plan:");
                plan.describeSteps().forEach(s -> out.println("  " + s));
                if (plan.blocked()) {
                    plan.blockers().forEach(b -> out.println("blocked: " + b));
                    return FAILED;
                }
                if (dryRun) {
                    return OK;
                }
                List<SetupStep> done = setup.apply(plan, out::println);
                out.println("applied " + done.size() + " change" + (done.size() == 1 ? "" : "s") + ".");
                return OK;
            });
        }
    }

    @Command(name = "status", description = "Check the token, tunnel, each connector (this node's marked), ingress,"
            + " DNS, cloudflared's /ready and the gateway: one line each; exit 1 when something is wrong.")
    private final class CheckTunnel implements Callable<Integer> {

        @Option(names = "--pve-route", description = "Expect pve.<domain> to be routed too.")
        private boolean pveRoute;
        @Option(names = "--publish-control-api", description = "Expect gateway.<domain> to be routed to the control"
                + " API too.")
        private boolean publishControlApi;
        @Option(names = "--ready-url", paramLabel = "URL", converter = HttpUrl.class,
                description = "cloudflared's readiness endpoint (default: cloudflare.readyUrl,"
                        + " http://127.0.0.1:20241/ready).")
        private URI readyUrl;

        @Override
        public Integer call() throws Exception {
            return against(pveRoute, (client, tunnel, settings) -> {
                TunnelSpec expected = publishControlApi
                        ? tunnel.withControlApi(GatewayAddress.parse(settings.controlApi().listen())) : tunnel;
                List<StatusLine> lines = new TunnelStatus(client, expected,
                        readyUrl == null ? settings.cloudflare().readyUrl() : readyUrl, settings.node()).check();
                lines.forEach(l -> out().println(l.render()));
                return TunnelStatus.allOk(lines) ? OK : FAILED;
            });
        }
    }

    @Command(name = "teardown", description = "Delete the tunnel and its DNS records.")
    private final class TeardownTunnel implements Callable<Integer> {

        @Option(names = "--yes", description = "Confirm; without it, only list what would be deleted (exit 2).")
        private boolean yes;

        @Override
        public Integer call() throws Exception {
            return against(false, (client, tunnel, settings) -> {
                TunnelTeardown teardown = new TunnelTeardown(client, tunnel);
                TunnelTeardown.Removal removal = teardown.plan();
                List<String> planned = removal.describe(tunnel);
                if (planned.isEmpty()) {
                    out().println("nothing to remove: no tunnel named " + tunnel.tunnelName() + ".");
                    return OK;
                }
                if (!yes) {
                    planned.forEach(l -> err().println("  would " + l));
                    err().println("teardown deletes the Access application, the tunnel and its DNS records; run"
                            + " `tunnel teardown --yes` to confirm.");
                    return USAGE;
                }
                teardown.remove(removal, true).forEach(out()::println);
                out().println("next: systemctl disable --now " + CloudflaredUnit.NAME + " (it has no tunnel to run any more).");
                return OK;
            });
        }
    }

    @FunctionalInterface
    interface TunnelAction {
        int run(CloudflareClient client, TunnelSpec tunnel, Settings settings);
    }

    /**
     * Runs one action on a checked spec. A setting Cloudflare needs and lacks is a usage error (2) naming the
     * variable to set; an answer from Cloudflare that stops the action is a failure (1) saying what it was.
     */
    private int against(boolean pveRoute, TunnelAction action) throws Exception {
        return against(settings, retry, pveRoute, action, spec.commandLine().getErr());
    }

    /** The same for the {@code access} commands. */
    static int against(Callable<Settings> settings, RetryPolicy retry, boolean pveRoute, TunnelAction action,
                       PrintWriter err) throws Exception {
        Settings s = settings.call();
        try {
            TunnelSpec tunnel = TunnelSpec.from(s.cloudflare(), s.gatewayListen(), pveRoute);
            try (CloudflareClient client = CloudflareClient.from(s.cloudflare(), retry)) {
                return action.run(client, tunnel, s);
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (CloudflareApiException | IllegalStateException | UncheckedIOException e) {
            err.println(e.getMessage());
            return FAILED;
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** {@code --ready-url}: an http(s) URL with a host, or a usage error before anything is asked. */
    static final class HttpUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI uri = URI.create(value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not an http URL like "
                    + CloudflareConfig.DEFAULT_READY_URL);
        }
    }
}
