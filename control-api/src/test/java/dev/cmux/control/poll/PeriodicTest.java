package dev.cmux.control.poll;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeriodicTest {

    @Test
    void aFailedPassIsFollowedByTheNextAndTheIntervalIsReadBeforeEachWait() throws Exception {
        AtomicInteger intervalsRead = new AtomicInteger();
        CountDownLatch threePasses = new CountDownLatch(3);
        AtomicInteger passes = new AtomicInteger();
        try (Periodic periodic = Periodic.start("test-pass", () -> {
            intervalsRead.incrementAndGet();
            return Duration.ofMillis(1);
        }, () -> {
            threePasses.countDown();
            if (passes.incrementAndGet() == 1) {
                throw new IllegalStateException("the first pass fails");
            }
        })) {
            assertTrue(threePasses.await(30, TimeUnit.SECONDS));
        }
        assertTrue(intervalsRead.get() >= 3, "read before each wait: " + intervalsRead);
    }

    @Test
    void closedItRunsNoMorePasses() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        Periodic periodic = Periodic.start("test-closed", () -> Duration.ofHours(1), passes::incrementAndGet);
        periodic.close();
        assertEquals(0, passes.get());
    }
}
