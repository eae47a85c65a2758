package dev.cmux.control.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A {@code pct} for tests: checks the argument shape PVE's pct needs ({@code exec <vmid> -- cmd…}; without
 * {@code --} real pct fails to parse options), logs the call to {@code pct.log} beside itself, and runs the command
 * on this machine in place of the container. {@code bash -lc} runs as {@code bash -c} without profiles: the test
 * machine's login scripts are not the container's, and killing one mid-way (timeout tests) can leave their locks.
 */
public final class FakePct {

    private FakePct() {
    }

    public static Path install(Path dir) throws IOException {
        Path pct = dir.resolve("pct");
        Files.writeString(pct, """
                #!/bin/sh
                echo "$*" >> "$(dirname "$0")/pct.log"
                if [ "$1" != exec ]; then echo "unknown command '$1'" >&2; exit 255; fi
                case "$2" in ''|*[!0-9]*) echo "invalid vmid '$2'" >&2; exit 255;; esac
                if [ "$3" != "--" ]; then echo "Unknown option: $3" >&2; exit 255; fi
                shift 3
                if [ "$1" = /bin/bash ] && [ "$2" = -lc ]; then exec /bin/bash --noprofile --norc -c "$3"; fi
                exec "$@"
                """);
        Files.setPosixFilePermissions(pct, PosixFilePermissions.fromString("rwxr-xr-x"));
        return pct;
    }

    /** The argument lines pct was called with. */
    public static List<String> calls(Path dir) throws IOException {
        Path log = dir.resolve("pct.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
