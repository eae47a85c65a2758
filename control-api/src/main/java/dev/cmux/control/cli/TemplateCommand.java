package dev.cmux.control.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.control.cli.ControlApiClient.Reply;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code cmux-gateway template create|list|delete} and {@code preset list}: clients of the control API. */
public final class TemplateCommand {

    private static final Duration READ = Duration.ofSeconds(60);
    /** A full clone of a big sandbox takes minutes. */
    private static final Duration MAKE = Duration.ofMinutes(30);

    private TemplateCommand() {
    }

    /** {@code template …}; {@code api} is called only when a command runs. */
    public static CommandLine templates(Callable<ControlApiClient> api) {
        return new CommandLine(new Templates()).addSubcommand(new Create(api)).addSubcommand(new ListTemplates(api))
                .addSubcommand(new Delete(api));
    }

    /** {@code preset …}. */
    public static CommandLine presets(Callable<ControlApiClient> api) {
        return new CommandLine(new Presets()).addSubcommand(new ListPresets(api));
    }

    @Command(name = "template", description = "Make preset versions from sandboxes, list and delete them.",
            footer = "%nExit codes: 0 done, 1 failed (the API's error is printed), 2 usage or config error.")
    private static final class Templates {
    }

    @Command(name = "preset", description = "The presets sandboxes are made from.")
    private static final class Presets {
    }

    /** A command that talks to the API. */
    private abstract static class ApiCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        private final Callable<ControlApiClient> api;

        ApiCommand(Callable<ControlApiClient> api) {
            this.api = api;
        }

        int against(ApiCalls.ApiCall call) throws Exception {
            return ApiCalls.run(spec, api, call);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** {@code GET path}, then a header and one line per element of {@code field}, in {@code format}. */
        int table(String path, String field, String format, Object[] header, Function<JsonNode, Object[]> row)
                throws Exception {
            return against(client -> {
                Reply r = client.call("GET", path, null, READ);
                if (!r.ok()) {
                    return r.exit(err());
                }
                out().printf(format, header);
                for (JsonNode n : r.json().path(field)) {
                    out().printf(format, row.apply(n));
                }
                return 0;
            });
        }
    }

    @Command(name = "create", description = "Make the next version of a preset from a sandbox: it is shut down, "
            + "copied into 9000-9999, the copy made a template, and the sandbox started again if it ran.")
    private static final class Create extends ApiCommand {
        @Option(names = "--from", required = true, paramLabel = "VMID", description = "The sandbox.")
        private int from;
        @Option(names = "--preset", required = true, paramLabel = "ID", description = "The preset, e.g. "
                + "4vcpu_6gb_32gb (a new id starts a new preset).")
        private String preset;
        @Option(names = "--version", paramLabel = "N", description = "Default: one past the newest.")
        private Integer version;

        Create(Callable<ControlApiClient> api) {
            super(api);
        }

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("fromVmid", from).put("preset", preset);
            if (version != null) {
                body.put("version", version);
            }
            return against(client -> {
                Reply r = client.call("POST", "/v1/templates?wait=true", body.toString(), MAKE);
                if (r.ok()) {
                    JsonNode t = r.json().path("template");
                    out().println("template " + t.path("vmid").asText() + " is " + t.path("snapshotId").asText());
                    for (JsonNode w : t.path("warnings")) {
                        err().println("warning: " + w.asText());
                    }
                }
                return r.exit(err());
            });
        }
    }

    @Command(name = "list", description = "One line per preset version: template vmid, node, snapshot id, origin.")
    private static final class ListTemplates extends ApiCommand {
        ListTemplates(Callable<ControlApiClient> api) {
            super(api);
        }

        @Override
        public Integer call() throws Exception {
            return table("/v1/templates", "templates", "%-8s %-10s %-36s %-7s %s%n",
                    new Object[] {"VMID", "NODE", "SNAPSHOT ID", "ORIGIN", "CAPTURED"},
                    t -> new Object[] {t.path("vmid").asText(), text(t, "node"), t.path("snapshotId").asText(),
                            t.path("origin").asText(), text(t, "capturedAt")});
        }
    }

    @Command(name = "delete", description = "Destroy a preset template; refused while linked clones use it.")
    private static final class Delete extends ApiCommand {
        @Parameters(index = "0", paramLabel = "VMID", description = "The template.")
        private int vmid;

        Delete(Callable<ControlApiClient> api) {
            super(api);
        }

        @Override
        public Integer call() throws Exception {
            return against(client -> {
                Reply r = client.call("DELETE", "/v1/templates/" + vmid, null, MAKE);
                if (r.ok()) {
                    out().println("deleted template " + vmid);
                }
                return r.exit(err());
            });
        }
    }

    @Command(name = "list", description = "One line per preset: id, resources, newest version, label.")
    private static final class ListPresets extends ApiCommand {
        ListPresets(Callable<ControlApiClient> api) {
            super(api);
        }

        @Override
        public Integer call() throws Exception {
            return table("/v1/presets", "presets", "%-20s %-5s %-9s %-8s %-36s %s%n",
                    new Object[] {"ID", "CORES", "MEMORY", "DISK", "NEWEST", "LABEL"},
                    p -> new Object[] {p.path("id").asText(), text(p, "cores"),
                            p.hasNonNull("memoryMiB") ? p.path("memoryMiB").asText() + "M" : "-",
                            p.hasNonNull("diskGiB") ? p.path("diskGiB").asText() + "G" : "-", text(p, "newest"),
                            p.path("label").asText()});
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.path(field).asText() : "-";
    }
}
