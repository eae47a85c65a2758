package dev.cmux.control.sandbox;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PowerActionTest {

    @Test
    void theActionsAreNamedAsPveNamesThem() {
        assertEquals("start, stop, shutdown, suspend, resume", PowerAction.NAMES);
        assertEquals("shutdown", PowerAction.SHUTDOWN.pveName());
        for (PowerAction a : PowerAction.values()) {
            assertEquals(Optional.of(a), PowerAction.parse(a.pveName()));
        }
    }

    @Test
    void onlyTheExactLowerCaseNameIsAnAction() {
        for (String other : new String[] {"START", "Start", "reboot", "exec", "", " start"}) {
            assertEquals(Optional.empty(), PowerAction.parse(other), other);
        }
        assertEquals(Optional.empty(), PowerAction.parse(null));
    }
}
