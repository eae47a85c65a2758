package dev.cmux.control.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.doctor.Doctor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cmux-gateway doctor}: asks the running gateway ({@code GET /v1/doctor}), so every check sees what the
 * service sees (its token, its limits, its clock), and prints one line per check. Exit 0 only when all pass.
 */
@Command(name = "doctor", description = "Check everything the running gateway depends on, one line each with the"
        + " fix: PVE, its token's privileges, the template, sandbox names, Cloudflare, cloudflared, Access, limits.",
        footer = "%nExit codes: 0 all checks pass, 1 a check failed or the gateway does not answer, 2 usage or config"
                + " error.")
public final class DoctorCommand implements Callable<Integer> {

    /** Several checks call PVE and Cloudflare in turn, each within its own timeouts. */
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Spec
    private CommandSpec spec;
    @Option(names = "--json", description = "Print the API's answer as JSON: {ok, checks: [{subject, ok, detail, fix}]}.")
    private boolean json;
    private final Callable<ControlApiClient> api;

    public DoctorCommand(Callable<ControlApiClient> api) {
        this.api = api;
    }

    @Override
    public Integer call() throws Exception {
        ControlApiClient client = api.call();
        PrintWriter out = spec.commandLine().getOut();
        ControlApiClient.Reply reply;
        try {
            reply = client.call("GET", "/v1/doctor", null, TIMEOUT);
        } catch (IOException e) {
            StatusLine down = StatusLine.problem("gateway", "the control API at " + client.baseUrl()
                    + " does not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + ")", "start it: systemctl start cmux-gateway (journalctl -u cmux-gateway says why it stopped).");
            out.println(json ? ControlApiClient.JSON.writeValueAsString(Map.of("ok", false, "checks",
                    List.of(down))) : Doctor.render(down));
            return 1;
        }
        if (!reply.ok()) {
            return reply.exit(spec.commandLine().getErr());
        }
        if (json) {
            out.println(reply.json().toString());
        } else {
            for (JsonNode line : reply.json().path("checks")) {
                out.println(Doctor.render(new StatusLine(line.path("subject").asText(), line.path("ok").asBoolean(),
                        line.path("detail").asText(), line.path("fix").asText())));
            }
        }
        return reply.json().path("ok").asBoolean() ? 0 : 1;
    }
}
