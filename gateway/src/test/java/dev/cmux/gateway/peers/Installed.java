package dev.cmux.gateway.peers;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    static String xev() {
        return program("xev", "x11-utils");
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

    /**
     * Writes {@code versions.txt} into the test's artifact directory: the Debian packages' versions (dpkg-query) and
     * the npm packages' (package.json), so a failed run says exactly which peers it ran against.
     */
    static void recordVersions(Path artifacts, List<String> debianPackages, List<String> npmPackages)
            throws IOException, InterruptedException {
        StringBuilder versions = new StringBuilder();
        if (!debianPackages.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("dpkg-query", "-W", "-f", "${Package} ${Version}\\n"));
            command.addAll(debianPackages);
            Process dpkg = new ProcessBuilder(command).redirectErrorStream(true).start();
            versions.append(new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            dpkg.waitFor(10, TimeUnit.SECONDS);
        }
        if (!npmPackages.isEmpty()) {
            Process node = new ProcessBuilder(node(), "--version").redirectErrorStream(true).start();
            versions.append("node ").append(new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            node.waitFor(10, TimeUnit.SECONDS);
        }
        for (String module : npmPackages) {
            Path manifest = NODE_DIR.resolve("node_modules").resolve(module).resolve("package.json");
            versions.append("npm ").append(module).append(' ')
                    .append(new ObjectMapper().readTree(manifest.toFile()).path("version").asText("?")).append('\n');
        }
        Files.createDirectories(artifacts);
        Files.writeString(artifacts.resolve("versions.txt"), versions.toString());
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
