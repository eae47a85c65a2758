package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code systemd-analyze verify} on the unit the code writes. Needs the Debian {@code systemd}
 * package; the test fails (never skips) without it, so CI cannot silently stop checking.
 */
class CloudflaredUnitSystemdTest {

    @TempDir
    Path root;

    @Test
    void systemdAnalyzeVerifiesTheGeneratedUnitWithoutAnyWarning() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assertTrue(Files.isExecutable(analyze) || Files.isExecutable(Path.of("/bin/systemd-analyze")),
                "systemd-analyze is missing: install the Debian 'systemd' package (apt-get install -y systemd)");
        // verify resolves ExecStart and the targets the unit names: give it a root with both
        copyTree(Path.of("/usr/lib/systemd/system"), root.resolve("usr/lib/systemd/system"));
        Path cloudflared = root.resolve("usr/bin/cloudflared");
        Files.createDirectories(cloudflared.getParent());
        Files.writeString(cloudflared, "#!/bin/sh\n");
        Files.setPosixFilePermissions(cloudflared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path unit = root.resolve("etc/systemd/system/cmux-cloudflared.service");
        Files.createDirectories(unit.getParent());
        Files.writeString(unit, CloudflaredUnit.render(CloudflaredUnit.DEFAULT_TOKEN_FILE));

        Process p = new ProcessBuilder("systemd-analyze", "verify", "--man=no", "--root=" + root,
                "/etc/systemd/system/cmux-cloudflared.service")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "systemd-analyze did not finish in 30 s");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // verify exits 0 on ignored unknown keys and bad values, so its output must be empty too
        assertEquals("", output.trim(), "systemd-analyze verify reported problems");
        assertEquals(0, p.exitValue());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        assertTrue(Files.isDirectory(from), from + " is missing: install the Debian 'systemd' package");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isSymbolicLink(source)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, java.nio.file.LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING);
                } else if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
