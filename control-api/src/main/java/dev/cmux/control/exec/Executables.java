package dev.cmux.control.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finding a program as a shell would: the first executable file of that name in the directories of a PATH. */
public final class Executables {

    private Executables() {
    }

    /** {@code name} in {@code path}'s directories (an empty entry is the working directory); empty when none. */
    public static Optional<Path> onPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
