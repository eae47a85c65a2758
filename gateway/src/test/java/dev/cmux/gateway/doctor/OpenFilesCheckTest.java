package dev.cmux.gateway.doctor;

import dev.cmux.control.cloudflare.StatusLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The open-file limit as /proc/PID/limits shows it: a login shell's 1024 fails, the unit's 1048576 passes. */
class OpenFilesCheckTest {

    @Test
    void aShellsLimitFailsWithTheFixAndTheUnitsPasses(@TempDir Path dir) throws Exception {
        StatusLine shell = check(dir, "1024", "524288");
        assertFalse(shell.ok());
        assertEquals("limit 1024: room for about 512 WebSockets", shell.detail());
        assertTrue(shell.fix().contains("LimitNOFILE"), shell.fix());
        assertTrue(check(dir, "1048576", "1048576").ok());
        assertTrue(check(dir, "unlimited", "unlimited").ok());
        assertTrue(OpenFilesCheck.ofThisProcess().run().size() == 1, "this JVM's own limits are read");
    }

    private static StatusLine check(Path dir, String soft, String hard) throws Exception {
        Path limits = dir.resolve("limits");
        Files.writeString(limits, String.format("""
                Limit                     Soft Limit           Hard Limit           Units
                Max cpu time              unlimited            unlimited            seconds
                Max open files            %-20s %-20s files
                Max locked memory         8388608              8388608              bytes
                """, soft, hard));
        List<StatusLine> lines = new OpenFilesCheck(limits).run();
        assertEquals(1, lines.size());
        assertEquals("open files", lines.get(0).subject());
        return lines.get(0);
    }
}
