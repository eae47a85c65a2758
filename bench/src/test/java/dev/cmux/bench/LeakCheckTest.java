package dev.cmux.bench;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak check that guards every bench test class must itself see a leak, or it guards nothing. */
class LeakCheckTest {

    @Test
    void aBufferThatIsNeverReleasedIsReported() throws Exception {
        List<String> leaks = List.of();
        for (int attempt = 0; attempt < 5 && leaks.isEmpty(); attempt++) {
            PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42); // dropped without release()
            leaks = LeakCheck.collect();
        }
        assertTrue(leaks.stream().anyMatch(l -> l.startsWith("LEAK")), "the detector reported: " + leaks);
        assertTrue(LeakCheck.collect().isEmpty(), "collected leaks are not reported twice");
    }
}
