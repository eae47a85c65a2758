package dev.cmux.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessAgeTest {

    @Test
    void theAgeIsUptimeLessTheStartTimeBothCountedFromBoot() {
        // a command name with a space and a parenthesis, as a thread may be named; start time 12345 ticks = 123.45 s
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 17 0 12345 "
                + "4000000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

        assertEquals(7_050, ProcessAge.millis(stat, "130.50 250.00\n"));
    }

    @Test
    void thisProcessStartedBeforeNowAndWithinTheHour() {
        long age = ProcessAge.millis();

        assertTrue(age > 0 && age < 3_600_000, "age " + age);
    }
}
