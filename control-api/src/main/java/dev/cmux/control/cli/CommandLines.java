package dev.cmux.control.cli;

import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.LinkedHashSet;

/**
 * How a cmux-gateway command tree meets the shell: output on the given writers, help on every command, and a
 * usage error as one line on standard error with exit code 2. The gateway's tree and the tests of
 * single commands are set up here alike, so both see the same behaviour.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /** Call once the tree is complete: picocli hands writers and help only to the commands it has by then. */
    public static CommandLine forShell(CommandLine tree, PrintWriter out, PrintWriter err) {
        addHelp(tree);
        return tree.setOut(out).setErr(err).setParameterExceptionHandler(new OneLineUsageError());
    }

    /**
     * {@code -h/--help} on every command and a {@code help} command, listed last, under every command that has
     * commands: declared here once rather than on each command.
     */
    private static void addHelp(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) { // picocli's help command has its own
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help and exit.").build());
        }
        if (!command.getSubcommands().isEmpty()) {
            new LinkedHashSet<>(command.getSubcommands().values()).forEach(CommandLines::addHelp);
            command.addSubcommand(new HelpCommand());
        }
    }
}
