package dev.cmux.gateway.cli;

import dev.cmux.gateway.testing.GatewayJar;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line of the shaded jar: picocli and every command class are in it; exit codes reach the shell. */
class CommandLineIT {

    @Test
    void helpListsTheCommands() throws Exception {
        GatewayJar.Finished help = GatewayJar.run(Map.of(), "--help");
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().startsWith("Usage: cmux-gateway"), help.output());
        for (String command : new String[] {"run", "validate", "tunnel", "sandbox", "version", "help"}) {
            assertTrue(help.output().contains("\n  " + command + " "), command + ": " + help.output());
        }
        GatewayJar.Finished sandbox = GatewayJar.run(Map.of(), "sandbox", "--help");
        assertEquals(0, sandbox.exitCode(), sandbox.output());
        assertTrue(sandbox.output().startsWith("Usage: cmux-gateway sandbox"), sandbox.output());
        assertTrue(sandbox.output().contains("exec"), sandbox.output());
    }

    @Test
    void versionPrintsTheJarsVersion() throws Exception {
        GatewayJar.Finished version = GatewayJar.run(Map.of(), "version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().matches("cmux-gateway \\d+\\.\\d+\\.\\d+\\S*\n"), version.output());
    }

    @Test
    void anUnknownOptionExits2WithOneLine() throws Exception {
        GatewayJar.Finished p = GatewayJar.run(Map.of(), "tunnel", "setup", "--force");
        assertEquals(2, p.exitCode(), p.output());
        assertEquals("cmux-gateway tunnel setup: unknown option '--force' (see 'cmux-gateway tunnel setup --help')\n",
                p.output());
    }
}
