package dev.cmux.gateway.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code cmux-gateway run}: the same as no command at all; named so that scripts and units can say what they do. */
@Command(name = "run", description = "Start the gateway (what cmux-gateway does with no command); SIGHUP reloads"
        + " the config, SIGTERM stops it.")
final class RunCommand implements Callable<Integer> {

    private final GatewayCommand root;

    RunCommand(GatewayCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() {
        return root.call();
    }
}
