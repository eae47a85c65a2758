package dev.cmux.control.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a command line as a shell would, keeping what it printed on standard output and error (fresh each run). */
public final class ConsoleCapture {

    /** Builds the command tree on the writers it is given, e.g. the gateway's whole tree. */
    @FunctionalInterface
    public interface Tree {
        CommandLine on(PrintWriter out, PrintWriter err);
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs one command and its subcommands (a tree of its own: it gains help), set up as in the gateway's tree. */
    public int run(CommandLine command, String... args) {
        return run((o, e) -> CommandLines.forShell(command, o, e), args);
    }

    public int run(Tree tree, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return tree.on(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }
}
