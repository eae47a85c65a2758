package dev.cmux.bench.harness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuTimeTest {

    @Test
    void readsUserAndSystemTicksPastACommandNameWithSpacesAndBrackets() {
        String stat = "4242 (nginx: worker (x) y) S 4241 4241 4241 0 -1 4194624 1234 0 0 0 "
                + "731 262 0 0 20 0 1 0 1000 12345678 2000 18446744073709551615";
        assertEquals(new CpuTime(731, 262), CpuTime.parseStat(stat));
    }

    @Test
    void aMeasurementIsTheDifferenceOfTwoReadings() {
        assertEquals(new CpuTime(30, 5), new CpuTime(130, 25).since(new CpuTime(100, 20)));
    }

    @Test
    void thisProcessHasUsedSomeCpu() {
        CpuTime own = new ProcessTree(ProcessHandle.current().pid()).cpu();
        // a JVM that has loaded and run these tests has spent ticks; a misread field would be 0 or fail to parse
        assertTrue(own.userTicks() > 0, own::toString);
    }
}
