package dev.cmux.control.cloudflare;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code access token create NAME}: the CLI face of {@link ServiceTokenGrant}. */
@Command(name = "access", description = "Cloudflare Access for the tunnel's hostnames (set up by"
        + " `tunnel setup --access-allow`).",
        footer = "%nExit codes: 0 done, 1 failed, 2 usage or config error.")
public final class AccessCommand {

    private final Callable<TunnelCommand.Settings> settings;
    private final RetryPolicy retry;

    private AccessCommand(Callable<TunnelCommand.Settings> settings, RetryPolicy retry) {
        this.settings = settings;
        this.retry = retry;
    }

    /** @param settings called only when a command runs, as for {@link TunnelCommand#commandLine} */
    public static CommandLine commandLine(Callable<TunnelCommand.Settings> settings) {
        return commandLine(settings, RetryPolicy.defaults());
    }

    public static CommandLine commandLine(Callable<TunnelCommand.Settings> settings, RetryPolicy retry) {
        AccessCommand access = new AccessCommand(settings, retry);
        return new CommandLine(access).addSubcommand(new CommandLine(new Tokens())
                .addSubcommand(access.new CreateToken()));
    }

    @Command(name = "token", description = "Service tokens: how programs (CI, scripts) pass Access.")
    private static final class Tokens {
    }

    @Command(name = "create", description = "Create a service token, let it in through the Access application's"
            + " Service Auth policy, and print its client id and secret (shown only this once).")
    private final class CreateToken implements Callable<Integer> {

        @Spec
        private CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "A name for the token, e.g. the program that uses it.")
        private String name;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            return TunnelCommand.against(settings, retry, false, (client, tunnel, s) -> {
                ServiceToken token = new ServiceTokenGrant(client, tunnel).create(name);
                out.println("created service token " + token.name() + " (" + token.id() + ")"
                        + (token.expiresAt() == null ? "" : ", valid until " + token.expiresAt()) + ".");
                out.println("CF-Access-Client-Id: " + token.clientId());
                out.println("CF-Access-Client-Secret: " + token.clientSecret());
                out.println("Store the secret now: Cloudflare shows it only this once. Send both headers on every"
                        + " request to https://" + tunnel.wildcardName() + ".");
                return TunnelCommand.OK;
            }, spec.commandLine().getErr());
        }
    }
}
