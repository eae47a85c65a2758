package dev.cmux.control.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.control.cli.ControlApiClient.Reply;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cmux-gateway sandbox …}: a client of the control API, so the CLI does exactly what the API does (and
 * needs no PVE credentials of its own).
 */
@Command(name = "sandbox",
        description = "Create and drive sandboxes through the running gateway's control API.",
        footer = "%nExit codes: 0 done, 1 failed (the API's error is printed), 2 usage or config error.")
public final class SandboxCommand {

    private static final Duration READ = Duration.ofSeconds(60);
    private static final Duration LIFECYCLE = Duration.ofMinutes(15);
    /** Longer than the API's own exec timeout, so the API is the one that reports it. */
    private static final Duration EXEC = Duration.ofMinutes(65);

    @Spec
    private CommandSpec spec;
    private final Callable<ControlApiClient> api;

    private SandboxCommand(Callable<ControlApiClient> api) {
        this.api = api;
    }

    /**
     * The sandbox commands. Classes with annotated fields, not annotated methods: picocli re-reads a method's
     * parameter annotations for every question it asks of them, which costs the start of every command.
     *
     * @param api the control API to talk to; called only when a command runs, since where it listens comes from
     *            the config file named on the command line (an exception from it is the caller's to report)
     */
    public static CommandLine commandLine(Callable<ControlApiClient> api) {
        SandboxCommand sandbox = new SandboxCommand(api);
        CommandLine commandLine = new CommandLine(sandbox).addSubcommand(sandbox.new CreateSandbox())
                .addSubcommand(sandbox.new ListSandboxes()).addSubcommand(sandbox.new ShowSandbox())
                .addSubcommand(sandbox.new ExecInSandbox());
        for (Power power : Power.values()) { // one class serves these and the two below, named here
            named(commandLine, sandbox.new OneCall("POST", "/" + power.path(), null, LIFECYCLE, "sandbox"),
                    power.path(), power.description);
        }
        named(commandLine, sandbox.new OneCall("PATCH", "", "{\"protected\":true}", READ, null), "protect",
                "Protect a sandbox: nothing automatic (auto-stop, TTL, auto-delete) touches it.");
        named(commandLine, sandbox.new OneCall("PATCH", "", "{\"protected\":false}", READ, null), "unprotect",
                "Remove the protection: its auto-stop, TTL and auto-delete apply again.");
        return commandLine.addSubcommand(sandbox.new DestroySandbox()).addSubcommand(sandbox.new SnapshotSandbox())
                .addSubcommand(sandbox.new RollbackSandbox());
    }

    private static void named(CommandLine parent, Callable<Integer> command, String name, String description) {
        CommandLine sub = new CommandLine(command);
        sub.getCommandSpec().name(name).usageMessage().description(description);
        parent.addSubcommand(sub);
    }

    @Command(name = "create", description = "Make a sandbox from a preset (default: PVE_TEMPLATE_VMID) and start it;"
            + " prints the operation, or with --wait the sandbox and its URLs.")
    private final class CreateSandbox implements Callable<Integer> {

        @Option(names = "--wait", description = "Wait until it runs.")
        private boolean wait;
        @Option(names = "--cores", paramLabel = "N", description = "CPU cores (default: the template's).")
        private Integer cores;
        @Option(names = "--memory", paramLabel = "MiB", description = "Memory (default: the template's).")
        private Integer memory;
        @Option(names = "--ttl", paramLabel = "DURATION", description = "Lifetime, e.g. 2h (default: the gateway's).")
        private String ttl;
        @Option(names = "--owner", paramLabel = "NAME", description = "Recorded in its metadata.")
        private String owner;
        @Option(names = "--preset", paramLabel = "ID", description = "The newest version of this preset "
                + "(preset list shows them).")
        private String preset;
        @Option(names = "--snapshot-id", paramLabel = "ID", description = "Exactly this preset version, e.g. "
                + "pvelxc_4vcpu_6gb_32gb_v1.")
        private String snapshotId;
        @Option(names = "--auto-stop", paramLabel = "DURATION",
                description = "Suspend or stop it after this long without traffic, e.g. 30m; 0s: never"
                        + " (default: the gateway's lifecycle.autoStop).")
        private String autoStop;
        @Option(names = "--auto-stop-action", paramLabel = "ACTION", defaultValue = "stop",
                description = "What --auto-stop does: pause or hibernate (VMs), suspend or stop "
                        + "(default: ${DEFAULT-VALUE}).")
        private String autoStopAction;
        @Option(names = "--auto-delete", paramLabel = "DURATION",
                description = "Destroy it after this long stopped, e.g. 7d; off: never (default: the gateway's).")
        private String autoDelete;
        @Option(names = "--protected", description = "Nothing automatic (auto-stop, TTL, auto-delete) touches it.")
        private boolean protect;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            if (preset != null) {
                body.put("preset", preset);
            }
            if (snapshotId != null) {
                body.put("snapshotId", snapshotId);
            }
            if (cores != null) {
                body.put("cores", cores);
            }
            if (memory != null) {
                body.put("memory", memory);
            }
            if (ttl != null) {
                body.put("ttl", ttl);
            }
            if (owner != null) {
                body.put("owner", owner);
            }
            if (autoStop != null) {
                body.putObject("autoStop").put("after", autoStop).put("action", autoStopAction);
            }
            if (autoDelete != null) {
                body.put("autoDelete", autoDelete);
            }
            if (protect) {
                body.put("protected", true);
            }
            return against(client -> {
                Reply r = client.call("POST", "/v1/sandboxes" + (wait ? "?wait=true" : ""), body.toString(),
                        LIFECYCLE);
                if (!r.ok() || wait) {
                    return show(r, "sandbox");
                }
                JsonNode op = r.json().path("operation");
                out().println("accepted: operation " + op.path("id").asText() + " (" + client.baseUrl()
                        + op.path("href").asText() + ")");
                return 0;
            });
        }
    }

    @Command(name = "list", description = "One line per sandbox: vmid, status, address, owner, expiry.")
    private final class ListSandboxes implements Callable<Integer> {

        @Option(names = "--orphans", description = "Instead: containers named like sandboxes without metadata,"
                + " which nothing automatic touches (remove one with destroy --orphan VMID).")
        private boolean orphans;

        @Override
        public Integer call() throws Exception {
            return against(client -> {
                Reply r = client.call("GET", "/v1/sandboxes" + (orphans ? "?orphans=true" : ""), null, READ);
                if (!r.ok()) {
                    return r.exit(err());
                }
                PrintWriter out = out();
                if (orphans) {
                    out.printf("%-10s %-12s %-9s %s%n", "VMID", "NODE", "STATUS", "TAGGED");
                    for (JsonNode o : r.json().path("orphans")) {
                        out.printf("%-10s %-12s %-9s %s%n", o.path("vmid").asText(), text(o, "node"),
                                text(o, "status"), o.path("tagged").asBoolean() ? "cmux" : "-");
                    }
                    return 0;
                }
                out.printf("%-10s %-4s %-10s %-16s %-16s %s%n", "VMID", "KIND", "STATUS", "ADDRESS", "OWNER",
                        "EXPIRES");
                for (JsonNode s : r.json().path("sandboxes")) {
                    out.printf("%-10s %-4s %-10s %-16s %-16s %s%n", s.path("vmid").asText(), text(s, "kind"),
                            s.path("status").asText(), text(s, "address"), text(s, "owner"), text(s, "expires"));
                }
                return 0;
            });
        }
    }

    /** A command on one sandbox: its VMID comes first. */
    private abstract class OneSandbox implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "VMID", description = "The sandbox's id, as list shows it.")
        protected int vmid;
    }

    @Command(name = "get", description = "A sandbox: status, address, expiry and its URLs.")
    private final class ShowSandbox extends OneSandbox {

        @Override
        public Integer call() throws Exception {
            return against(client -> show(client.call("GET", "/v1/sandboxes/" + vmid, null, READ), null));
        }
    }

    @Command(name = "exec", description = "Run a command in a sandbox and print its output; exits 1 when the"
            + " command fails.")
    private final class ExecInSandbox extends OneSandbox {

        @Spec
        private CommandSpec exec;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND",
                description = "After --, so that its own options stay its own.")
        private List<String> command;

        @Override
        public Integer call() throws Exception {
            if (!exec.commandLine().getParseResult().originalArgs().contains("--")) {
                // without --, "exec 100 ls -la" would fail on an unknown option -la; say how it is written instead
                throw new ParameterException(exec.commandLine(), "expected VMID -- COMMAND...");
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("command", String.join(" ", command));
            return against(client -> {
                Reply r = client.call("POST", "/v1/sandboxes/" + vmid + "/exec", body.toString(), EXEC);
                if (!r.ok()) {
                    return r.exit(err());
                }
                JsonNode j = r.json();
                if (!j.path("stdout").asText().isEmpty()) {
                    out().println(j.path("stdout").asText());
                }
                if (!j.path("stderr").asText().isEmpty()) {
                    err().println(j.path("stderr").asText());
                }
                int code = j.path("exitCode").asInt(-1);
                if (code != 0) {
                    err().println("exit code " + code + " (via " + j.path("via").asText() + ")");
                }
                return code == 0 ? 0 : 1;
            });
        }
    }

    @Command(name = "destroy", description = "Stop and delete a sandbox.")
    private final class DestroySandbox extends OneSandbox {

        @Option(names = "--orphan", description = "VMID is an orphan (list --orphans): delete it, and nothing else.")
        private boolean orphan;

        @Override
        public Integer call() throws Exception {
            return against(client -> {
                Reply r = client.call("DELETE", "/v1/sandboxes/" + vmid + (orphan ? "?orphan=true" : ""), null,
                        LIFECYCLE);
                if (r.ok()) {
                    out().println("destroyed " + vmid);
                }
                return r.exit(err());
            });
        }
    }

    @Command(name = "snapshot", description = "Take a disk snapshot of a sandbox (it keeps running).")
    private final class SnapshotSandbox extends OneSandbox {

        @Parameters(index = "1", paramLabel = "NAME", description = "PVE's rules: a letter, then letters, digits,"
                + " '-' or '_'; 2 to 40 characters.")
        private String name;
        @Option(names = "--description", paramLabel = "TEXT", description = "Kept with the snapshot.")
        private String description;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name);
            if (description != null) {
                body.put("description", description);
            }
            return against(client -> {
                Reply r = client.call("POST", "/v1/sandboxes/" + vmid + "/snapshots", body.toString(), LIFECYCLE);
                if (r.ok()) {
                    out().println("snapshot " + r.json().path("snapshot").path("name").asText() + " of " + vmid
                            + " taken at " + r.json().path("snapshot").path("taken").asText());
                }
                return r.exit(err());
            });
        }
    }

    @Command(name = "rollback", description = "Roll a sandbox back to a snapshot; running again afterwards if it ran.")
    private final class RollbackSandbox extends OneSandbox {

        @Parameters(index = "1", paramLabel = "NAME", description = "The snapshot.")
        private String name;

        @Override
        public Integer call() throws Exception {
            return against(client -> show(client.call("POST", "/v1/sandboxes/" + vmid + "/snapshots/" + name
                    + "/rollback", null, LIFECYCLE), "sandbox"));
        }
    }

    /** The API's power actions ({@code POST /v1/sandboxes/{vmid}/{action}}), in the order help lists them. */
    private enum Power {
        START("Start a stopped sandbox."),
        STOP("Stop a sandbox at once (as pulling the plug)."),
        SHUTDOWN("Ask a sandbox to shut down cleanly."),
        SUSPEND("Suspend a sandbox (a VM: pause in RAM; a container: CRIU)."),
        RESUME("Resume a sandbox from whatever state it is in."),
        PAUSE("Pause a VM in RAM (CPU freed; resume takes milliseconds)."),
        HIBERNATE("Hibernate a VM: its RAM to disk (RAM freed; start or resume loads it)."),
        REBOOT("Reboot a VM.");

        final String description;

        Power(String description) {
            this.description = description;
        }

        String path() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A command on one sandbox that is one fixed call: {@code start|stop|shutdown|suspend|resume VMID} (POST to the
     * action's path) and {@code protect|unprotect VMID} ({@code PATCH} with {@code protected}).
     */
    private final class OneCall extends OneSandbox {

        private final String method;
        private final String pathSuffix;
        private final String body;
        private final Duration timeout;
        private final String field;

        OneCall(String method, String pathSuffix, String body, Duration timeout, String field) {
            this.method = method;
            this.pathSuffix = pathSuffix;
            this.body = body;
            this.timeout = timeout;
            this.field = field;
        }

        @Override
        public Integer call() throws Exception {
            return against(client -> show(client.call(method, "/v1/sandboxes/" + vmid + pathSuffix, body, timeout),
                    field));
        }
    }

    /** Runs one call; an API that cannot be reached is a failure (1) that says where it was looked for. */
    private int against(ApiCalls.ApiCall call) throws Exception {
        return ApiCalls.run(spec, api, call);
    }

    /** Prints a sandbox (the reply itself, or its {@code field}): id, state, address, then its URLs per service. */
    private int show(Reply r, String field) {
        if (!r.ok()) {
            return r.exit(err());
        }
        JsonNode s = field == null ? r.json() : r.json().path(field);
        PrintWriter out = out();
        out.println("vmid      " + s.path("vmid").asText());
        out.println("hostname  " + text(s, "hostname"));
        out.println("kind      " + text(s, "kind"));
        out.println("status    " + text(s, "status"));
        out.println("address   " + text(s, "address"));
        if (s.hasNonNull("expires")) {
            out.println("expires   " + s.path("expires").asText());
        }
        if (s.path("protected").asBoolean(false)) {
            out.println("protected yes");
        }
        JsonNode next = s.path("nextAction");
        if (next.isObject()) {
            out.println("next      " + next.path("action").asText() + " (" + next.path("reason").asText() + ") at "
                    + next.path("at").asText());
        }
        // both forms of each URL: by vmid, then by instance id (cmux's form) under it
        for (Map.Entry<String, JsonNode> url : s.path("urls").properties()) {
            out.printf("%-9s %s%n", url.getKey(), url.getValue().asText());
            JsonNode byInstance = s.path("instanceUrls").path(url.getKey());
            if (byInstance.isTextual()) {
                out.printf("%-9s %s%n", "", byInstance.asText());
            }
        }
        return 0;
    }

    private static String text(JsonNode s, String field) {
        return s.hasNonNull(field) ? s.path(field).asText() : "-";
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
