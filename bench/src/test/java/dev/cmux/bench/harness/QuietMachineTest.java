package dev.cmux.bench.harness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuietMachineTest {

    @Test
    void busyIsTheShareThatWasNeitherIdleNorWaitingOnIo() {
        long[] before = {100, 0, 50, 1_000, 10, 0, 5, 0};
        // user +20, system +10, idle +60, iowait +10
        long[] after = {120, 0, 60, 1_060, 20, 0, 5, 0};

        assertEquals(0.30, QuietMachine.busy(before, after), 1e-9);
    }

    @Test
    void noTicksBetweenTwoReadingsIsQuiet() {
        long[] same = {7, 0, 3, 90, 0, 0, 0, 0};

        assertEquals(0.0, QuietMachine.busy(same, same.clone()), 1e-9);
    }
}
