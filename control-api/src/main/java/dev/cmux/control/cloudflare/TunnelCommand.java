package dev.cmux.control.cloudflare;

import dev.cmux.control.config.CloudflareConfig;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code tunnel setup|status|teardown}: the CLI face of {@link TunnelSetup}, {@link TunnelStatus} and
 * {@link TunnelTeardown}. Exit codes: 0 done / all ok, 1 failed / a problem found, 2 usage or config error.
 */
public final class TunnelCommand {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: tunnel setup [--dry-run] [--replace-records] [--pve-route]
                   tunnel status [--pve-route] [--ready-url URL]
                   tunnel teardown --yes""";

    private TunnelCommand() {
    }

    /**
     * Runs one tunnel subcommand.
     *
     * @param args                  the words after {@code tunnel}, e.g. {@code [setup, --dry-run]}
     * @param config                Cloudflare settings (token, domain, names, directories)
     * @param gatewayListenHostPort the gateway's data-plane listen address, e.g. {@code 127.0.0.1:8080}
     * @return the process exit code
     */
    public static int run(List<String> args, CloudflareConfig config, String gatewayListenHostPort,
                          PrintStream out, PrintStream err) {
        return run(args, config, gatewayListenHostPort, out, err, RetryPolicy.defaults());
    }

    /** As {@link #run(List, CloudflareConfig, String, PrintStream, PrintStream)} with a chosen 429 policy. */
    public static int run(List<String> args, CloudflareConfig config, String gatewayListenHostPort,
                          PrintStream out, PrintStream err, RetryPolicy retry) {
        List<String> words = new ArrayList<>(args);
        if (!words.isEmpty() && words.get(0).equals("tunnel")) {
            words.remove(0);
        }
        if (words.isEmpty()) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String sub = words.remove(0);
        Options options;
        TunnelSpec spec;
        try {
            options = Options.parse(sub, words);
            spec = TunnelSpec.from(config, gatewayListenHostPort, options.pveRoute);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        try (CloudflareClient client = CloudflareClient.from(config, retry)) {
            return switch (sub) {
                case "setup" -> setup(client, spec, options, out);
                case "status" -> status(client, spec, options, out);
                default -> teardown(client, spec, options, out, err);
            };
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (CloudflareApiException | IllegalStateException | UncheckedIOException e) {
            err.println(e.getMessage());
            return FAILED;
        }
    }

    private static int setup(CloudflareClient client, TunnelSpec spec, Options options, PrintStream out) {
        TunnelSetup setup = new TunnelSetup(client, spec, options.replaceRecords);
        TunnelPlan plan = setup.plan();
        out.println("tunnel " + spec.tunnelName() + " for " + spec.wildcardName() + " -> "
                + spec.gateway().originUrl() + " (account " + plan.site().accountId() + ", zone "
                + (plan.site().zone().name() == null ? plan.site().zone().id() : plan.site().zone().name()) + ")");
        plan.warnings().forEach(w -> out.println("warning: " + w));
        if (plan.isEmpty() && !plan.blocked()) {
            out.println("nothing to change: the tunnel, ingress, DNS and local files are already in place.");
            return OK;
        }
        out.println(options.dryRun ? "plan (dry run, nothing changed):" : "plan:");
        plan.describeSteps().forEach(s -> out.println("  " + s));
        if (plan.blocked()) {
            plan.blockers().forEach(b -> out.println("blocked: " + b));
            return FAILED;
        }
        if (options.dryRun) {
            return OK;
        }
        List<SetupStep> done = setup.apply(plan);
        out.println("applied " + done.size() + " change" + (done.size() == 1 ? "" : "s") + ".");
        if (done.stream().anyMatch(s -> s instanceof SetupStep.WriteUnitFile || s instanceof SetupStep.WriteTokenFile)) {
            out.println("next: systemctl daemon-reload && systemctl enable --now cloudflared"
                    + " (or systemctl restart cloudflared if it already runs).");
        }
        return OK;
    }

    private static int status(CloudflareClient client, TunnelSpec spec, Options options, PrintStream out) {
        List<StatusLine> lines = new TunnelStatus(client, spec, options.readyUrl).check();
        lines.forEach(l -> out.println(l.render()));
        return TunnelStatus.allOk(lines) ? OK : FAILED;
    }

    private static int teardown(CloudflareClient client, TunnelSpec spec, Options options, PrintStream out,
                                PrintStream err) {
        TunnelTeardown teardown = new TunnelTeardown(client, spec);
        TunnelTeardown.Removal removal = teardown.plan();
        List<String> planned = removal.describe(spec);
        if (planned.isEmpty()) {
            out.println("nothing to remove: no tunnel named " + spec.tunnelName() + ".");
            return OK;
        }
        if (!options.yes) {
            planned.forEach(l -> err.println("  would " + l));
            err.println("teardown deletes the tunnel and its DNS records; run `tunnel teardown --yes` to confirm.");
            return USAGE;
        }
        teardown.remove(removal, true).forEach(out::println);
        out.println("next: systemctl disable --now cloudflared (it has no tunnel to run any more).");
        return OK;
    }

    /** Flags of one subcommand; unknown flags are usage errors. */
    private static final class Options {
        boolean dryRun;
        boolean replaceRecords;
        boolean pveRoute;
        boolean yes;
        URI readyUrl = TunnelStatus.DEFAULT_READY_URL;

        static Options parse(String sub, List<String> words) {
            Set<String> allowed = switch (sub) {
                case "setup" -> Set.of("--dry-run", "--replace-records", "--pve-route");
                case "status" -> Set.of("--pve-route", "--ready-url");
                case "teardown" -> Set.of("--yes");
                default -> throw new IllegalArgumentException("unknown tunnel command '" + sub + "'\n" + USAGE_TEXT);
            };
            Options o = new Options();
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (!allowed.contains(w)) {
                    throw new IllegalArgumentException("unknown option '" + w + "' for tunnel " + sub + "\n" + USAGE_TEXT);
                }
                switch (w) {
                    case "--dry-run" -> o.dryRun = true;
                    case "--replace-records" -> o.replaceRecords = true;
                    case "--pve-route" -> o.pveRoute = true;
                    case "--yes" -> o.yes = true;
                    default -> {
                        if (i + 1 >= words.size()) {
                            throw new IllegalArgumentException("--ready-url needs a URL, e.g. " + TunnelStatus.DEFAULT_READY_URL);
                        }
                        o.readyUrl = readyUrl(words.get(++i));
                    }
                }
            }
            return o;
        }

        private static URI readyUrl(String value) {
            try {
                URI uri = URI.create(value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("--ready-url '" + value + "' is not an http URL like "
                    + TunnelStatus.DEFAULT_READY_URL);
        }
    }
}
