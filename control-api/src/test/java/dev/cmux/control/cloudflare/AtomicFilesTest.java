package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What setup asks before it changes anything at Cloudflare: can this user put the file in place. Files are replaced
 * by rename, so the directory decides, except where the owner must stay or a sticky directory protects the file.
 * The user is passed in, so the rules are checked whichever user runs the tests.
 */
class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFileOfAnotherUserIsReplacedByRenameInAnOrdinaryDirectory() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "old\n");
        String other = otherUserThan(Files.getOwner(token).getName());

        assertEquals(Optional.empty(), AtomicFiles.whyNot(token, false, other));
    }

    @Test
    void aStickyDirectoryLetsOnlyTheOwnerReplaceAFile() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "old\n");
        chmod("1777", dir);
        String owner = Files.getOwner(token).getName();

        assertEquals(Optional.of(token + " belongs to " + owner + ", and the sticky directory " + dir
                + " lets only its owner replace it"), AtomicFiles.whyNot(token, false, otherUserThan(owner)));
        assertEquals(Optional.empty(), AtomicFiles.whyNot(token, false, owner));
    }

    @Test
    void aReplacementThatKeepsTheOwnerNeedsThatOwnerOrRoot() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "listen: 127.0.0.1:8080\n");
        String owner = Files.getOwner(config).getName();
        String other = otherUserThan(owner);

        assertEquals(Optional.of(config + " belongs to " + owner + ", and " + other + " cannot replace it keeping "
                + "that owner (chown it to " + other + ")"), AtomicFiles.whyNot(config, true, other));
        assertEquals(Optional.empty(), AtomicFiles.whyNot(config, true, owner));
        assertEquals(Optional.empty(), AtomicFiles.whyNot(config, true, "root"));
    }

    private static String otherUserThan(String user) {
        return user.equals("nobody") ? "daemon" : "nobody";
    }

    private static void chmod(String mode, Path path) throws Exception {
        Process p = new ProcessBuilder("chmod", mode, path.toString()).inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "chmod " + mode + " " + path);
    }
}
