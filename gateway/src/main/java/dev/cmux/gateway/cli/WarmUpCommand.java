package dev.cmux.gateway.cli;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.warmup.WarmUp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code cmux-gateway warm-up}: the warm-up a started gateway runs in the background, alone, on loopback ports of its
 * own; the launcher runs it as the training run of the class-data archive (README "Cold start").
 */
@Command(name = "warm-up", description = "Send the warm-up requests through a data plane of its own on loopback and "
        + "exit; the launcher's training run for its class-data archive. Touches no running gateway.")
final class WarmUpCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WarmUp.Result r = WarmUp.run(Transport.best(), WarmUp.ROUNDS);
        spec.commandLine().getOut().println("warm-up: " + r.statuses() + " by status in " + r.millis() + " ms");
        return 0;
    }
}
