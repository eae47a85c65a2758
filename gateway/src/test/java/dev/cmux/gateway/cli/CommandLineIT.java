package dev.cmux.gateway.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line of the shaded jar: picocli and every command class are in it; exit codes reach the shell. */
class CommandLineIT {

    @Test
    void helpListsTheCommands() throws Exception {
        JarProcess help = JarProcess.run(Map.of(), "--help");
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().startsWith("Usage: cmux-gateway"), help.output());
        for (String command : new String[] {"run", "validate", "tunnel", "sandbox", "version", "help"}) {
            assertTrue(help.output().contains("\n  " + command + " "), command + ": " + help.output());
        }
        JarProcess sandbox = JarProcess.run(Map.of(), "sandbox", "--help");
        assertEquals(0, sandbox.exitCode(), sandbox.output());
        assertTrue(sandbox.output().startsWith("Usage: cmux-gateway sandbox"), sandbox.output());
        assertTrue(sandbox.output().contains("exec"), sandbox.output());
    }

    @Test
    void versionPrintsTheJarsVersion() throws Exception {
        JarProcess version = JarProcess.run(Map.of(), "version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().matches("cmux-gateway \\d+\\.\\d+\\.\\d+\\S*\n"), version.output());
    }

    @Test
    void anUnknownOptionExits2WithOneLine() throws Exception {
        JarProcess p = JarProcess.run(Map.of(), "tunnel", "setup", "--force");
        assertEquals(2, p.exitCode(), p.output());
        assertEquals("cmux-gateway tunnel setup: unknown option '--force' (see 'cmux-gateway tunnel setup --help')\n",
                p.output());
    }
}
