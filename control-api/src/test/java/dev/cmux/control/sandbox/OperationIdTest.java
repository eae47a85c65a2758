package dev.cmux.control.sandbox;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperationIdTest {

    private static final String CLONE = "UPID:pve:0012ABCD:0A1B2C3D:66A1B2C3:vzclone:9000:root@pam!cmux:";

    @Test
    void anIdIsUrlSafeAndReadsBackAsTheSameTask() {
        OperationId id = new OperationId("create", 101, CLONE);
        String text = id.text();

        assertTrue(text.matches("op-create-101-[A-Za-z0-9_-]+"), text);
        assertEquals(id, OperationId.parse(text).orElseThrow());
        assertEquals("pve", id.task().node());
        assertEquals(Instant.ofEpochSecond(0x66A1B2C3L), id.task().started(), "created is when the task started");
    }

    @Test
    void aTaskFitsItsKindAndItsSandbox() {
        // a create's clone task is the template's; every other first task is the sandbox's own
        assertThrows(IllegalArgumentException.class, () -> new OperationId("destroy", 9000, CLONE));
        assertThrows(IllegalArgumentException.class, () -> new OperationId("stop", 101,
                "UPID:pve:0012ABCD:0A1B2C3D:66A1B2C3:vzstop:102:root@pam!cmux:"));
        assertThrows(IllegalArgumentException.class, () -> new OperationId("format", 101, CLONE));
        new OperationId("stop", 101, "UPID:pve:0012ABCD:0A1B2C3D:66A1B2C3:hastop:101:root@pam!cmux:"); // HA managed
        new OperationId("destroy", 101, "UPID:pve:0012ABCD:0A1B2C3D:66A1B2C3:qmstop:101:root@pam!cmux:");
    }

    @Test
    void anythingButTheCanonicalSpellingIsNoOperation() {
        String text = new OperationId("create", 101, CLONE).text();
        assertFalse(OperationId.parse(text + "=").isPresent());
        assertFalse(OperationId.parse(text.replace("op-create-101", "op-create-0101")).isPresent());
        assertFalse(OperationId.parse("op-" + "0".repeat(24)).isPresent(), "a random id of before");
        assertFalse(OperationId.parse(null).isPresent());
    }
}
