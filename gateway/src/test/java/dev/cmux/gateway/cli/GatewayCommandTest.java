package dev.cmux.gateway.cli;

import dev.cmux.control.cli.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command tree as an operator meets it: help, usage errors, the default command, config errors, completion. */
class GatewayCommandTest {

    @TempDir
    Path dir;
    private final ConsoleCapture console = new ConsoleCapture();
    private final List<Path> served = new ArrayList<>();
    private final List<Path> trained = new ArrayList<>();

    private int run(String... args) {
        return console.run((out, err) -> GatewayCommand.commandLine(Map.of(), "1.2.3", configFile -> {
            served.add(configFile);
            return 0;
        }, configFile -> {
            trained.add(configFile);
            return 0;
        }, out, err), args);
    }

    /** Every command of the tree as the words that name it: [], [run], …, [tunnel, setup], …, [sandbox, exec] */
    private static List<List<String>> commands() {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        List<List<String>> paths = new ArrayList<>();
        collect(GatewayCommand.commandLine(Map.of(), "", f -> 0, f -> 0, nowhere, nowhere), List.of(), paths);
        return paths;
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(path);
        for (CommandLine sub : new LinkedHashSet<>(command.getSubcommands().values())) {
            collect(sub, Stream.concat(path.stream(), Stream.of(sub.getCommandName())).toList(), paths);
        }
    }

    private static String[] words(List<String> path, String... more) {
        return Stream.concat(path.stream(), Arrays.stream(more)).toArray(String[]::new);
    }

    @Test
    void everyCommandPrintsItsHelpOnStandardOutputAndExits0() {
        List<List<String>> commands = commands();
        assertTrue(commands.containsAll(List.of(List.of("run"), List.of("validate"), List.of("tunnel", "setup"),
                List.of("tunnel", "status"), List.of("tunnel", "teardown"), List.of("access", "token", "create"),
                List.of("sandbox", "create"),
                List.of("sandbox", "exec"), List.of("sandbox", "destroy"), List.of("version"), List.of("help"))),
                commands.toString());
        for (List<String> command : commands) {
            for (String help : List.of("--help", "-h")) {
                assertEquals(0, run(words(command, help)), command + ": " + console.err());
                String usage = "Usage: " + String.join(" ", words(List.of("cmux-gateway"), words(command))) + " [";
                assertTrue(console.out().lines().anyMatch(l -> l.startsWith(usage)), command + ": " + console.out());
                assertEquals("", console.err(), command.toString());
            }
        }
        assertTrue(served.isEmpty(), "help never starts the gateway");
    }

    @Test
    void theHelpCommandPrintsTheHelpOfTheCommandItNames() {
        assertEquals(0, run("help"));
        assertTrue(console.out().startsWith("Usage: cmux-gateway [-h] [-c=FILE] [COMMAND]"), console.out());
        for (String command : List.of("run", "validate", "tunnel", "sandbox", "version")) {
            assertEquals(0, run("help", command), command);
            assertTrue(console.out().startsWith("Usage: cmux-gateway " + command), console.out());
        }
        assertEquals(0, run("tunnel", "help", "setup"));
        assertTrue(console.out().contains("--dry-run"), console.out());
    }

    @Test
    void anUnknownOptionOnAnyCommandIsAUsageErrorInOneLine() {
        // picocli's help command prints help whatever follows it: asking for help is never an error
        for (List<String> command : commands().stream().filter(c -> !c.contains("help")).toList()) {
            assertEquals(2, run(words(command, "--zzz-unknown")), command.toString());
            String name = String.join(" ", words(List.of("cmux-gateway"), words(command)));
            assertEquals(name + ": unknown option '--zzz-unknown' (see '" + name + " --help')\n", console.err());
            assertEquals("", console.out(), command.toString());
        }
        assertTrue(served.isEmpty());
    }

    @Test
    void anUnknownCommandIsAUsageErrorThatSuggestsTheNearestOne() {
        assertEquals(2, run("vaildate"));
        assertEquals("cmux-gateway: unknown command 'vaildate'; did you mean 'validate'? (see 'cmux-gateway --help')\n",
                console.err());
        assertEquals(2, run("sandbox", "get"));
        assertTrue(console.err().startsWith("cmux-gateway sandbox get: missing required parameter: 'VMID'"),
                console.err());
        assertEquals(2, run("sandbox", "create", "--cores", "many"));
        assertTrue(console.err().contains("'many' is not an int"), console.err());
    }

    @Test
    void withNoCommandItRunsAsRunDoesWithTheConfigGivenAnywhere() {
        assertEquals(0, run());
        assertEquals(0, run("--config", "a.yaml"));
        assertEquals(0, run("run", "-c", "b.yaml"));
        assertEquals(0, run("run", "--config=c.yaml"));
        assertEquals(Arrays.asList(null, Path.of("a.yaml"), Path.of("b.yaml"), Path.of("c.yaml")), served);
    }

    @Test
    void theTrainingRunReadsTheConfigAStartWouldRead() {
        assertEquals(0, run("warm-up"));
        assertEquals(0, run("warm-up", "--config", "/etc/cmux-gateway/gateway.yaml"));
        assertEquals(Arrays.asList(null, Path.of("/etc/cmux-gateway/gateway.yaml")), trained);
        assertTrue(served.isEmpty(), "a training run never starts the configured gateway");
    }

    @Test
    void aPlainStartSkipsTheTreeAndServesTheConfigTheTreeWouldServe() {
        List<String[]> plain = List.of(new String[] {}, new String[] {"run"}, new String[] {"--config", "a.yaml"},
                new String[] {"run", "-c", "b.yaml"}, new String[] {"run", "--config=c.yaml"},
                new String[] {"-c", "d.yaml", "run"});
        for (String[] args : plain) {
            served.clear();
            assertEquals(0, run(args));
            GatewayCommand.PlainRun fast = GatewayCommand.plainRun(args);
            assertTrue(fast != null, Arrays.toString(args) + " is a plain start");
            assertEquals(served, Arrays.asList(fast.configFile()), Arrays.toString(args));
        }
        for (String[] args : List.of(new String[] {"run", "--help"}, new String[] {"-c"}, new String[] {"run", "run"},
                new String[] {"version"}, new String[] {"-c", "a.yaml", "--config", "b.yaml"},
                new String[] {"run", "-c", "--help"}, new String[] {"--config="})) {
            assertEquals(null, GatewayCommand.plainRun(args), Arrays.toString(args) + " goes through the tree");
        }
    }

    @Test
    void versionPrintsTheNameAndVersion() {
        assertEquals(0, run("version"));
        assertEquals("cmux-gateway 1.2.3\n", console.out());
    }

    @Test
    void anInvalidConfigStopsEveryCommandThatReadsItWithOneLinePerProblem() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "listen: 127.0.0.1:99999\ntimeouts:\n  connect: soon\n");
        for (List<String> command : List.of(List.of("validate"), List.of("tunnel", "status"),
                List.of("sandbox", "list"))) {
            assertEquals(2, run(words(command, "--config", bad.toString())), command.toString());
            List<String> lines = console.err().lines().toList();
            assertEquals(2, lines.size(), command + ": " + console.err());
            assertTrue(lines.stream().allMatch(l -> l.startsWith("cmux-gateway: " + bad + ": ")), console.err());
            assertTrue(console.err().contains("timeouts.connect"), console.err());
        }
    }

    @Test
    void validateSummarisesAConfigThatCanBeUsed() throws IOException {
        Path good = Files.writeString(dir.resolve("good.yaml"), "listen: 127.0.0.1:18080\n");
        assertEquals(0, run("validate", "--config", good.toString()), console.err());
        assertTrue(console.out().startsWith(good + ": ok\n  listen 127.0.0.1:18080"), console.out());
    }

    @Test
    void theCompletionScriptCompletesCommandsAndOptionsInBash() throws Exception {
        Path file = dir.resolve("completions").resolve("cmux-gateway");
        CompletionScript.main(new String[] {file.toString()});
        assertFalse(Files.readString(file).contains("\r"), "bash reads \\r as part of a word");
        assertEquals("run validate tunnel access sandbox template preset doctor warm-up version help",
                complete(file, "cmux-gateway", ""));
        assertEquals("setup status", complete(file, "cmux-gateway", "tunnel", "s"));
        assertEquals("start stop shutdown suspend snapshot", complete(file, "cmux-gateway", "sandbox", "s"));
        assertTrue(complete(file, "cmux-gateway", "tunnel", "setup", "--").contains("--dry-run"));
    }

    /** What bash offers for the last word, as a user pressing TAB after {@code words} would see it. */
    private static String complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        String program = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\";"
                + " COMP_POINT=${#COMP_LINE}; _complete_cmux-gateway 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        List<String> command = new ArrayList<>(List.of("bash", "-c", program, "bash", script.toString()));
        command.addAll(List.of(words));
        Process bash = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String offered = new String(bash.getInputStream().readAllBytes()).strip();
        assertEquals(0, bash.waitFor(), line);
        return offered;
    }
}
