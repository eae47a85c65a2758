package dev.cmux.control.sandbox;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerActionTest {

    @Test
    void theActionsAreNamedAsPveNamesThem() {
        assertEquals("start, stop, shutdown, suspend, resume, pause, hibernate, reboot", PowerAction.NAMES);
        assertEquals("shutdown", PowerAction.SHUTDOWN.pveName());
        for (PowerAction a : PowerAction.values()) {
            assertEquals(Optional.of(a), PowerAction.parse(a.pveName()));
        }
    }

    @Test
    void pauseAndHibernateAreTheSuspendOfAVmToRamAndToDisk() {
        assertEquals("suspend", PowerAction.PAUSE.pvePath());
        assertEquals("suspend", PowerAction.HIBERNATE.pvePath());
        assertEquals(java.util.Map.of(), PowerAction.PAUSE.pveOptions());
        assertEquals(java.util.Map.of("todisk", true), PowerAction.HIBERNATE.pveOptions());
        assertTrue(PowerAction.HIBERNATE.appliesTo(SandboxKind.VM));
        assertFalse(PowerAction.HIBERNATE.appliesTo(SandboxKind.LXC));
        assertTrue(PowerAction.SUSPEND.appliesTo(SandboxKind.LXC));
    }

    @Test
    void onlyTheExactLowerCaseNameIsAnAction() {
        for (String other : new String[] {"START", "Start", "reset", "exec", "", " start"}) {
            assertEquals(Optional.empty(), PowerAction.parse(other), other);
        }
        assertEquals(Optional.empty(), PowerAction.parse(null));
    }
}
