package dev.cmux.control.cli;

import dev.cmux.control.api.ControlApiFixture;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sandbox create --preset}, {@code sandbox snapshot|rollback}, {@code template …}, {@code preset list}. */
class ImageCommandsTest {

    private ControlApiFixture fixture;
    private PveEmulator pve;
    private final ConsoleCapture console = new ConsoleCapture();

    @BeforeEach
    void start() {
        fixture = ControlApiFixture.start("example.com", false, ResolverInvalidation.NONE);
        pve = fixture.pve();
    }

    @AfterEach
    void stop() {
        List<String> violations = pve.violations();
        fixture.close();
        assertEquals(List.of(), violations);
    }

    private ControlApiClient client() {
        return new ControlApiClient(fixture.baseUrl(), ControlApiFixture.TOKEN);
    }

    private int sandbox(String... args) {
        return console.run(SandboxCommand.commandLine(this::client), args);
    }

    private int template(String... args) {
        return console.run(TemplateCommand.templates(this::client), args);
    }

    private int preset(String... args) {
        return console.run(TemplateCommand.presets(this::client), args);
    }

    @Test
    void aSandboxFromAPresetSnapshottedRolledBackAndMadeIntoTheNextVersion() {
        assertEquals(0, sandbox("create", "--wait", "--preset", "default"), console.err());
        assertTrue(console.out().contains("vmid      100"), console.out());

        assertEquals(0, sandbox("snapshot", "100", "clean", "--description", "fresh"), console.err());
        assertTrue(console.out().contains("snapshot clean of 100 taken at "), console.out());
        assertEquals(List.of("clean"), pve.snapshotNames(100));
        assertEquals(0, sandbox("rollback", "100", "clean"), console.err());
        assertTrue(console.out().contains("status    running"), console.out());

        assertEquals(0, template("create", "--from", "100", "--preset", "default"), console.err());
        assertTrue(console.out().contains("template 9001 is pvelxc_default_v2"), console.out());
        assertEquals(0, preset("list"), console.err());
        assertTrue(console.out().contains("pvelxc_default_v2"), console.out());
        assertEquals(0, template("list"), console.err());
        assertTrue(console.out().contains("9001     pve        pvelxc_default_v2"), console.out());
    }

    @Test
    void apiRefusalsArePrintedAndExitOne() {
        assertEquals(0, sandbox("create", "--wait"), console.err());
        assertEquals(1, sandbox("rollback", "100", "nothing"));
        assertTrue(console.err().contains("PVE: snapshot 'nothing' does not exist"), console.err());
        assertEquals(1, template("delete", "100"));
        assertTrue(console.err().contains("unknown-template") || console.err().contains("no preset template"),
                console.err());
        assertFalse(pve.isTemplate(100));
    }

    @Test
    void templateCreateNeedsFromAndPreset() {
        assertEquals(2, template("create", "--from", "100"));
        assertTrue(console.err().contains("--preset"), console.err());
    }
}
