package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Replaces files so that readers see the old or the new content, never a torn one: a temp file in
 * the same directory (created with its final mode, so a secret is never readable by others even for
 * a moment), written and synced, then renamed over the target with ATOMIC_MOVE.
 */
final class AtomicFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final int STICKY = 01000;

    private AtomicFiles() {
    }

    static void write(Path target, String content, Set<PosixFilePermission> mode) throws IOException {
        write(target, content, mode, null);
    }

    /**
     * Replaces an existing file keeping its mode, owner and group: the gateway's config may hold secrets and be
     * readable only by the user the gateway runs as.
     */
    static void replace(Path existing, String content) throws IOException {
        write(existing, content, Files.getPosixFilePermissions(existing),
                Files.readAttributes(existing, PosixFileAttributes.class));
    }

    /**
     * Why {@code target} could not be written by {@link #write}, or empty when it can: asked before anything is
     * changed elsewhere, so that a setup which could not finish here changes nothing at all. The new file belongs to
     * whoever writes it; only the directory must let us create and rename.
     */
    static Optional<String> whyNotWritable(Path target) {
        return whyNot(target, false, currentUser());
    }

    /** As {@link #whyNotWritable}, for {@link #replace}: the replacement must also keep the file's owner. */
    static Optional<String> whyNotReplaceable(Path existing) {
        return whyNot(existing, true, currentUser());
    }

    /** @param me the user that will write: the JVM's user, except in tests */
    static Optional<String> whyNot(Path target, boolean keepsOwner, String me) {
        Path file = target.toAbsolutePath();
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            return Optional.of(file + " is not a regular file");
        }
        Path dir = file.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return Optional.of(file + " cannot be created: " + dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            return Optional.of(file + " cannot be written: the directory " + dir + " is not writable by "
                    + me);
        }
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String owner = Files.getOwner(file).getName();
            if (owner.equals(me) || "root".equals(me)) {
                return Optional.empty();
            }
            if (keepsOwner) {
                // only root may give the replacement another user's ownership
                return Optional.of(file + " belongs to " + owner + ", and " + me + " cannot replace it keeping that"
                        + " owner (chown it to " + me + ")");
            }
            if ((((Integer) Files.getAttribute(dir, "unix:mode")) & STICKY) != 0) {
                return Optional.of(file + " belongs to " + owner + ", and the sticky directory " + dir
                        + " lets only its owner replace it");
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of(file + " cannot be inspected: " + e.getMessage());
        }
    }

    private static String currentUser() {
        return System.getProperty("user.name");
    }

    private static void write(Path target, String content, Set<PosixFilePermission> mode,
                              PosixFileAttributes ownerOf) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(mode));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            // createTempFile's mode is filtered by the umask; set it again so 0644 really is 0644
            Files.setPosixFilePermissions(temp, mode);
            if (ownerOf != null) {
                Files.setOwner(temp, ownerOf.owner());
                Files.getFileAttributeView(temp, PosixFileAttributeView.class).setGroup(ownerOf.group());
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
            // the rename lives in the directory: sync it so a crash cannot bring the old file back
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The file's content, or empty when it does not exist. */
    static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** True when the file holds exactly {@code content} with exactly {@code mode}. Constant-time on content. */
    static boolean holds(Path file, String content, Set<PosixFilePermission> mode) {
        try {
            Optional<String> current = read(file);
            return current.isPresent()
                    && MessageDigest.isEqual(current.get().getBytes(StandardCharsets.UTF_8),
                    content.getBytes(StandardCharsets.UTF_8))
                    && Files.getPosixFilePermissions(file).equals(mode);
        } catch (IOException e) {
            return false;
        }
    }
}
