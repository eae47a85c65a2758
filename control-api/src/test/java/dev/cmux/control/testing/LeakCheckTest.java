package dev.cmux.control.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak check that guards every test class must itself see a leak, or it guards nothing. */
class LeakCheckTest {

    @Test
    void aBufferThatIsNeverReleasedIsReported() throws Exception {
        List<String> leaks = List.of();
        for (int attempt = 0; attempt < 5 && leaks.isEmpty(); attempt++) {
            leakOne();
            leaks = LeakCheck.collect();
        }
        assertTrue(leaks.stream().anyMatch(l -> l.contains("LEAK")), "the detector reported: " + leaks);
        assertTrue(LeakCheck.collect().isEmpty(), "collected leaks are not reported twice");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(42); // dropped without release()
    }
}
