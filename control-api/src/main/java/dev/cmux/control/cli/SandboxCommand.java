package dev.cmux.control.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code cmux-gateway sandbox …}: a client of the control API, so the CLI does exactly what the API does (and
 * needs no PVE credentials of its own). Exit codes: 0 done, 1 failed (the API's error is printed), 2 usage.
 */
public final class SandboxCommand {

    public static final String USAGE = """
            usage: cmux-gateway sandbox create [--wait] [--cores N] [--memory MiB] [--ttl 2h] [--owner NAME]
                   cmux-gateway sandbox list
                   cmux-gateway sandbox get VMID
                   cmux-gateway sandbox exec VMID -- COMMAND...
                   cmux-gateway sandbox start|stop|shutdown|suspend|resume VMID
                   cmux-gateway sandbox destroy VMID
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String token;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SandboxCommand(String base, String token, PrintStream out, PrintStream err) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs one subcommand against the control API at {@code controlBaseUrl} (e.g. {@code http://127.0.0.1:8081}).
     * {@code args} may start with {@code sandbox}. {@code token} may be null when the API has none.
     */
    public static int run(List<String> args, String controlBaseUrl, String token, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(args);
        if (!rest.isEmpty() && rest.get(0).equals("sandbox")) {
            rest.remove(0);
        }
        if (rest.isEmpty() || rest.get(0).equals("--help") || rest.get(0).equals("help")) {
            (rest.isEmpty() ? err : out).print(USAGE);
            return rest.isEmpty() ? 2 : 0;
        }
        SandboxCommand cli = new SandboxCommand(controlBaseUrl, token, out, err);
        try {
            return cli.dispatch(rest.remove(0), rest);
        } catch (Usage e) {
            err.println("cmux-gateway sandbox: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("cmux-gateway sandbox: cannot reach the control API at " + controlBaseUrl + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static final class Usage extends Exception {
        Usage(String message) {
            super(message);
        }
    }

    private int dispatch(String command, List<String> args) throws Usage, IOException, InterruptedException {
        return switch (command) {
            case "create" -> create(args);
            case "list" -> {
                noMore(args, 0);
                yield list();
            }
            case "get" -> show(call("GET", "/v1/sandboxes/" + vmid(args), null, Duration.ofSeconds(60)), null);
            case "exec" -> exec(args);
            case "start", "stop", "shutdown", "suspend", "resume" -> show(call("POST", "/v1/sandboxes/" + vmid(args)
                    + "/" + command, null, Duration.ofMinutes(15)), "sandbox");
            case "destroy" -> {
                int vmid = vmid(args);
                Reply r = call("DELETE", "/v1/sandboxes/" + vmid, null, Duration.ofMinutes(15));
                if (r.ok()) {
                    out.println("destroyed " + vmid);
                }
                yield r.exit(err);
            }
            default -> throw new Usage("unknown command '" + command + "'");
        };
    }

    private int create(List<String> args) throws Usage, IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        boolean wait = false;
        for (Iterator<String> it = args.iterator(); it.hasNext(); ) {
            String a = it.next();
            switch (a) {
                case "--wait" -> wait = true;
                case "--cores" -> body.put("cores", number(a, it));
                case "--memory" -> body.put("memory", number(a, it));
                case "--ttl" -> body.put("ttl", value(a, it));
                case "--owner" -> body.put("owner", value(a, it));
                default -> throw new Usage("unknown option '" + a + "' for create");
            }
        }
        Reply r = call("POST", "/v1/sandboxes" + (wait ? "?wait=true" : ""), body.toString(), Duration.ofMinutes(15));
        if (!r.ok()) {
            return r.exit(err);
        }
        if (!wait) {
            JsonNode op = r.json().path("operation");
            out.println("accepted: operation " + op.path("id").asText() + " (" + base + op.path("href").asText()
                    + ")");
            return 0;
        }
        return show(r, "sandbox");
    }

    private int list() throws IOException, InterruptedException {
        Reply r = call("GET", "/v1/sandboxes", null, Duration.ofSeconds(60));
        if (!r.ok()) {
            return r.exit(err);
        }
        out.printf("%-10s %-9s %-16s %-16s %s%n", "VMID", "STATUS", "ADDRESS", "OWNER", "EXPIRES");
        for (JsonNode s : r.json().path("sandboxes")) {
            out.printf("%-10s %-9s %-16s %-16s %s%n", s.path("vmid").asText(), s.path("status").asText(),
                    text(s, "address"), text(s, "owner"), text(s, "expires"));
        }
        return 0;
    }

    private int exec(List<String> args) throws Usage, IOException, InterruptedException {
        int vmid = vmid(args.isEmpty() ? args : args.subList(0, 1));
        int dash = args.indexOf("--");
        if (dash != 1 || dash == args.size() - 1) {
            throw new Usage("exec needs VMID -- COMMAND...");
        }
        ObjectNode body = JSON.createObjectNode().put("command", String.join(" ", args.subList(dash + 1,
                args.size())));
        Reply r = call("POST", "/v1/sandboxes/" + vmid + "/exec", body.toString(), Duration.ofMinutes(65));
        if (!r.ok()) {
            return r.exit(err);
        }
        JsonNode j = r.json();
        if (!j.path("stdout").asText().isEmpty()) {
            out.println(j.path("stdout").asText());
        }
        if (!j.path("stderr").asText().isEmpty()) {
            err.println(j.path("stderr").asText());
        }
        int code = j.path("exitCode").asInt(-1);
        if (code != 0) {
            err.println("exit code " + code + " (via " + j.path("via").asText() + ")");
        }
        return code == 0 ? 0 : 1;
    }

    /** Prints a sandbox: id, state, address, then one URL per line. */
    private int show(Reply r, String field) {
        if (!r.ok()) {
            return r.exit(err);
        }
        JsonNode s = field == null ? r.json() : r.json().path(field);
        out.println("vmid      " + s.path("vmid").asText());
        out.println("hostname  " + text(s, "hostname"));
        out.println("status    " + text(s, "status"));
        out.println("address   " + text(s, "address"));
        if (s.hasNonNull("expires")) {
            out.println("expires   " + s.path("expires").asText());
        }
        for (Map.Entry<String, JsonNode> url : s.path("urls").properties()) {
            out.printf("%-9s %s%n", url.getKey(), url.getValue().asText());
        }
        return 0;
    }

    private static String text(JsonNode s, String field) {
        return s.hasNonNull(field) ? s.path(field).asText() : "-";
    }

    private static int vmid(List<String> args) throws Usage {
        if (args.isEmpty() || !args.get(0).matches("[1-9][0-9]{2,8}")) {
            throw new Usage("expected a VMID (100-999999999)");
        }
        return Integer.parseInt(args.get(0));
    }

    private static void noMore(List<String> args, int allowed) throws Usage {
        if (args.size() > allowed) {
            throw new Usage("unexpected argument '" + args.get(allowed) + "'");
        }
    }

    private static String value(String option, Iterator<String> it) throws Usage {
        if (!it.hasNext()) {
            throw new Usage(option + " needs a value");
        }
        return it.next();
    }

    private static int number(String option, Iterator<String> it) throws Usage {
        String v = value(option, it);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Usage(option + " needs a number, not '" + v + "'");
        }
    }

    private record Reply(int status, JsonNode json) {
        boolean ok() {
            return status / 100 == 2;
        }

        int exit(PrintStream err) {
            if (ok()) {
                return 0;
            }
            JsonNode e = json.path("error");
            err.println("error " + status + " " + e.path("code").asText("") + ": " + e.path("message").asText(""));
            return 1;
        }
    }

    private Reply call(String method, String path, String body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        return new Reply(r.statusCode(), json);
    }
}
