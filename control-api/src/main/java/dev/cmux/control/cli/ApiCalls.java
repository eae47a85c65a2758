package dev.cmux.control.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.concurrent.Callable;

/** How every API-client command runs one call: an API that cannot be reached is a failure (1) saying where. */
final class ApiCalls {

    @FunctionalInterface
    interface ApiCall {
        int run(ControlApiClient client) throws IOException, InterruptedException;
    }

    private ApiCalls() {
    }

    static int run(CommandSpec spec, Callable<ControlApiClient> api, ApiCall call) throws Exception {
        ControlApiClient client = api.call();
        try {
            return call.run(client);
        } catch (IOException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": cannot reach the control API at "
                    + client.baseUrl() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
