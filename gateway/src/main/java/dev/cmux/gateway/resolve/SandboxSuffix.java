package dev.cmux.gateway.resolve;

import dev.cmux.gateway.config.RoutingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The DNS suffix of sandbox names ({@code cmux-<vmid><suffix>}). {@code auto} takes the first {@code search}
 * domain of /etc/resolv.conf (PVE hosts serving a bridge with dnsmasq usually have {@code search lan});
 * the control API can offer PVE's own {@code /nodes/{node}/dns} answer instead.
 */
public final class SandboxSuffix {

    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

    private SandboxSuffix() {
    }

    /** {@code configured} as a suffix with a leading dot, or "" for bare names. Reads a file: call at start-up. */
    public static String of(String configured) {
        if (!RoutingConfig.AUTO_SUFFIX.equals(configured)) {
            return normalize(configured);
        }
        return fromResolvConf(RESOLV_CONF);
    }

    static String fromResolvConf(Path resolvConf) {
        try {
            List<String> lines = Files.readAllLines(resolvConf);
            for (String line : lines) {
                String[] words = line.trim().split("\\s+");
                if (words.length > 1 && (words[0].equals("search") || words[0].equals("domain"))) {
                    return normalize(words[1]);
                }
            }
        } catch (IOException e) {
            // no resolv.conf: bare names
        }
        return "";
    }

    static String normalize(String suffix) {
        String s = suffix == null ? "" : suffix.trim().toLowerCase(java.util.Locale.ROOT);
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            return "";
        }
        return s.startsWith(".") ? s : "." + s;
    }
}
