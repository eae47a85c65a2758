package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The cloudflared systemd unit. One template (a resource, also committed as
 * {@code systemd/cloudflared.service}) written for the default token path; other token paths
 * are substituted in.
 */
public final class CloudflaredUnit {

    public static final String RESOURCE = "cloudflared.service";
    public static final String FILE_NAME = "cloudflared.service";
    public static final Path DEFAULT_TOKEN_FILE = Path.of("/etc/cloudflared/token");

    private static final String TOKEN_FLAG = "--token-file ";
    // systemd would need quoting and %-escaping for anything else; such a path is a config mistake
    private static final Pattern PLAIN_PATH = Pattern.compile("/[A-Za-z0-9/._@+-]*");

    private CloudflaredUnit() {
    }

    /** The template exactly as shipped. */
    public static String template() {
        try (InputStream in = CloudflaredUnit.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unit that runs the tunnel with the token in {@code tokenFile} (an absolute path). */
    public static String render(Path tokenFile) {
        String path = tokenFile.toString();
        if (!tokenFile.isAbsolute() || !PLAIN_PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("CLOUDFLARED_DIR must be an absolute path of letters, digits and "
                    + "/._@+- only (systemd unit syntax), got: " + tokenFile.getParent());
        }
        String template = template();
        String defaultFlag = TOKEN_FLAG + DEFAULT_TOKEN_FILE;
        if (!template.contains(defaultFlag)) {
            throw new IllegalStateException("the cloudflared unit template lost its " + defaultFlag + " argument");
        }
        return template.replace(defaultFlag, TOKEN_FLAG + path);
    }
}
