package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessSettingsFileTest {

    private static final AccessSettingsFile.Settings WANTED = new AccessSettingsFile.Settings("myteam",
            "0123456789012345678901234567890123456789012345678901234567890123");

    @Test
    void aFileWithoutAnAccessSectionGetsOneAtTheEndAndKeepsEverythingElse() {
        String before = "# my gateway\nlisten: 127.0.0.1:8080   # cloudflared sends here\ndomain: example.com\n";

        String after = AccessSettingsFile.edit(before, WANTED);

        assertEquals(before + "access:\n  teamName: \"myteam\"\n  aud: \"" + WANTED.aud() + "\"\n", after);
        assertTrue(AccessSettingsFile.holds(after, WANTED));
    }

    @Test
    void existingValuesAreReplacedInPlaceKeepingTheirCommentsAndTheOtherKeys() {
        String before = """
                listen: 127.0.0.1:8080
                access:
                    # set by tunnel setup
                    teamName: oldteam   # the Zero Trust team
                    certsUrl: http://127.0.0.1:9/cdn-cgi/access/certs
                    aud: 'ffff'
                    bypassPorts: [3000]
                # logging below
                logging:
                    level: info
                """;

        String after = AccessSettingsFile.edit(before, WANTED);

        assertEquals("""
                listen: 127.0.0.1:8080
                access:
                    # set by tunnel setup
                    teamName: "myteam"   # the Zero Trust team
                    certsUrl: http://127.0.0.1:9/cdn-cgi/access/certs
                    aud: "%s"
                    bypassPorts: [3000]
                # logging below
                logging:
                    level: info
                """.formatted(WANTED.aud()), after);
    }

    @Test
    void missingKeysAreAddedRightBelowTheHeaderAtTheSectionsIndentation() {
        String before = "access:   # Cloudflare Access\n    issuer: https://myteam.cloudflareaccess.com\nlogging: {}\n";

        String after = AccessSettingsFile.edit(before, WANTED);

        assertEquals("access:   # Cloudflare Access\n    teamName: \"myteam\"\n    aud: \"" + WANTED.aud()
                + "\"\n    issuer: https://myteam.cloudflareaccess.com\nlogging: {}\n", after);
    }

    @Test
    void aNestedAccessKeyElsewhereIsNotTheSection() {
        String before = "routing:\n  hosts:\n    a.example.com: { upstream: http://10.0.0.1 }\n  access:\n    x: 1\n";

        assertFalse(AccessSettingsFile.holds(before, WANTED));
        assertTrue(AccessSettingsFile.edit(before, WANTED).endsWith("    x: 1\naccess:\n  teamName: \"myteam\"\n  aud: \""
                + WANTED.aud() + "\"\n"));
    }

    @Test
    void anInlineSectionIsRefusedWithASentenceNotRewritten() {
        String inline = "access: { bypassPorts: [3000] }\n";

        assertTrue(AccessSettingsFile.problem(inline).orElseThrow().contains("written inline"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessSettingsFile.edit(inline, WANTED));
        assertTrue(e.getMessage().contains("write it as a block"), e.getMessage());
    }

    @Test
    void holdsOnlyWhenBothValuesAreThere() {
        assertFalse(AccessSettingsFile.holds("access:\n  teamName: myteam\n", WANTED));
        assertTrue(AccessSettingsFile.holds("access:\n  teamName: myteam\n  aud: " + WANTED.aud() + "\n", WANTED));
    }
}
