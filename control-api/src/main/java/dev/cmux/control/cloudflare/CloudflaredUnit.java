package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The cloudflared systemd unit, {@code cmux-cloudflared.service}. One template (a resource, also committed as
 * {@code systemd/cmux-cloudflared.service} and shipped by the .deb) written for the default token path; other token
 * paths are substituted in. Named after the gateway so that it never collides with the {@code cloudflared.service}
 * that {@code cloudflared service install} writes.
 */
public final class CloudflaredUnit {

    public static final String RESOURCE = "cmux-cloudflared.service";
    public static final String FILE_NAME = "cmux-cloudflared.service";
    /** systemd's name of the unit, for the commands printed to the operator. */
    public static final String NAME = "cmux-cloudflared";
    public static final Path DEFAULT_TOKEN_FILE = Path.of("/etc/cmux-gateway/cloudflared/token");
    /** Where the .deb installs the unit (and {@code cmux-cloudflared.path}, which starts it once the token exists). */
    public static final Path PACKAGED_DIR = Path.of("/lib/systemd/system");

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
        // ExecStart and ConditionPathExists both name the token
        return template.replace(DEFAULT_TOKEN_FILE.toString(), path);
    }

    /**
     * True when systemd already has this unit: the one setup writes ({@code written}) holds it, or there is none
     * and the package's ({@code packaged}) does. A file in /etc/systemd/system overrides the packaged one, as in
     * systemd.
     */
    public static boolean inPlace(Path written, Path packaged, String content) {
        if (Files.exists(written)) {
            return AtomicFiles.holds(written, content, AtomicFiles.WORLD_READABLE);
        }
        return AtomicFiles.holds(packaged, content, AtomicFiles.WORLD_READABLE);
    }

    /**
     * What starts cloudflared after setup wrote its token or unit, for the operator: setup itself never starts
     * services (the API runs as an unprivileged user).
     */
    static String howItStarts(TunnelSpec spec) {
        if (spec.usesPackagedUnit()) {
            return "systemd starts " + NAME + " once the token is written (" + NAME + ".path, enabled by the "
                    + "package); if it was already running, restart it as root: systemctl restart " + NAME + ".";
        }
        return "next, as root: systemctl daemon-reload && systemctl enable --now " + NAME + " (or systemctl restart "
                + NAME + " if it already runs).";
    }
}
