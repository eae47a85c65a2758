package dev.cmux.control.cloudflare;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The operator's choice about Access for {@code tunnel setup} (CLI and API alike): exactly one of
 * {@code --access-allow} and {@code --no-access}, so that sandboxes never end up public by omission.
 */
public final class AccessChoice {

    private AccessChoice() {
    }

    /**
     * The Access to set up, or empty for {@code --no-access}; throws {@link IllegalArgumentException} with one
     * sentence when neither or both are chosen, the allow list is malformed, or there is no config file to write.
     */
    public static Optional<AccessSetup> of(String accessAllow, boolean noAccess, Path configFile, GatewayReload reload) {
        if (accessAllow == null && !noAccess) {
            throw new IllegalArgumentException("Choose whether the sandboxes sit behind Cloudflare Access:"
                    + " --access-allow EMAILS|@DOMAIN lets only those in, --no-access leaves them public.");
        }
        if (accessAllow != null && noAccess) {
            throw new IllegalArgumentException("--access-allow and --no-access contradict each other; give one.");
        }
        if (noAccess) {
            return Optional.empty();
        }
        AccessAllow allow = AccessAllow.parse(accessAllow);
        if (configFile == null) {
            throw new IllegalArgumentException("--access-allow writes access.teamName and access.aud into the"
                    + " gateway's config file: give the file the gateway runs with as --config FILE.");
        }
        return Optional.of(new AccessSetup(allow, configFile, reload));
    }
}
