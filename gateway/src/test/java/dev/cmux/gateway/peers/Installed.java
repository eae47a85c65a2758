package dev.cmux.gateway.peers;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The programs the peer tests run. A missing one fails the test with the command that installs it: these tests
 * exist to prove the gateway against the real thing, so they never skip. {@code .ci/run} installs all of them.
 */
final class Installed {

    /** Where {@code npm ci} puts socket.io and socket.io-client; the working directory of failsafe is the module. */
    static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
    static final Path NOVNC_WEB_ROOT = Path.of("/usr/share/novnc");

    private Installed() {
    }

    static String node() {
        String node = program("node", "nodejs (Node 18 or newer)");
        for (String module : new String[] {"socket.io", "socket.io-client"}) {
            if (!Files.isRegularFile(NODE_DIR.resolve("node_modules").resolve(module).resolve("package.json"))) {
                fail("npm package '" + module + "' is not installed in " + NODE_DIR
                        + ": run 'npm ci' there (.ci/run does)");
            }
        }
        return node;
    }

    static String chromium() {
        return program("chromium", "chromium");
    }

    static String xvnc() {
        return program("Xvnc", "tigervnc-standalone-server");
    }

    static String xsetroot() {
        return program("xsetroot", "x11-xserver-utils");
    }

    static String websockify() {
        return program("websockify", "websockify");
    }

    static Path novnc() {
        if (!Files.isRegularFile(NOVNC_WEB_ROOT.resolve("vnc.html"))) {
            fail("the noVNC web client is not installed (no " + NOVNC_WEB_ROOT.resolve("vnc.html")
                    + "): apt-get install -y --no-install-recommends novnc (.ci/run does)");
        }
        return NOVNC_WEB_ROOT;
    }

    /** The absolute path of {@code name} on PATH, or a failed test naming the Debian package. */
    static String program(String name, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        return fail("'" + name + "' is not installed (not on PATH " + path + "): apt-get install -y "
                + "--no-install-recommends " + debianPackage + " (.ci/run does)");
    }
}
