package dev.cmux.gateway.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code cmux-gateway warm-up}: the training run of the class-data archive (README "Cold start"): what a start goes
 * through, on loopback ports of its own, then the warm-up's rounds.
 */
@Command(name = "warm-up", description = "Read the config, start a gateway of its own on loopback ports without PVE"
        + " or Cloudflare, send it the warm-up requests and exit; the launcher's training run for its class-data"
        + " archive. Touches no running gateway.")
final class WarmUpCommand implements Callable<Integer> {

    private final GatewayCommand root;

    WarmUpCommand(GatewayCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() {
        return root.warmUp();
    }
}
