package dev.cmux.bench.harness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveHeapTest {

    @Test
    void sumsTheGenerationsUsedAndLeavesMetaspaceOut() {
        String serial = """
                4242:
                 def new generation   total 19648K, used 1234K [0x00000000e0000000, …)
                  eden space 17472K,   7% used [0x00000000e0000000, …)
                  from space 2176K,   0% used [0x00000000e1110000, …)
                 tenured generation   total 43712K, used 5678K [0x00000000eaaa0000, …)
                   the space 43712K,  13% used [0x00000000eaaa0000, …)
                 Metaspace       used 12345K, committed 12800K, reserved 1114112K
                  class space    used 1234K, committed 1344K, reserved 1048576K
                """;
        assertEquals(1234 + 5678, LiveHeap.usedKb(serial));
    }
}
