package dev.cmux.control.sandbox;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxIdTest {

    @Test
    void pvesRangeIsAHundredToNineHundredNinetyNineMillionAndMore() {
        assertTrue(SandboxId.inRange(100) && SandboxId.inRange(999_999_999));
        assertFalse(SandboxId.inRange(99) || SandboxId.inRange(1_000_000_000L) || SandboxId.inRange(-1));
        assertThrows(IllegalArgumentException.class, () -> new SandboxId(99));
        assertThrows(IllegalArgumentException.class, () -> new SandboxId(-200));
    }

    @Test
    void textIsReadInItsOneSpellingAndAnythingElseSaysWhy() {
        assertEquals(200, SandboxId.parse("200").value());
        assertEquals(999_999_999, SandboxId.parse("999999999").value());
        for (String bad : new String[] {"0200", "99", "1000000000", "+200", " 200", "2e3", "", "abc"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SandboxId.parse(bad));
            assertEquals("'" + bad + "' is not a vmid (a number from 100 to 999999999)", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SandboxId.parse(null));
    }

    @Test
    void theContainerIsNamedAfterItsVmid() {
        assertEquals("cmux-4711", new SandboxId(4711).hostname());
        assertEquals("4711", new SandboxId(4711).toString());
    }
}
