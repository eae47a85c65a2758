package dev.cmux.gateway.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cmux-gateway version}: {@code cmux-gateway 0.1.0}, the jar's Implementation-Version. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;
    private final String version;

    VersionCommand(String version) {
        this.version = version;
    }

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(spec.root().name() + " " + version);
        return 0;
    }
}
