package dev.cmux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class when Netty's leak detector (PARANOID in the build, {@code leak.level}) reports a leaked buffer
 * during it; registered for every test class by JUnit's extension auto-detection (META-INF/services). A smaller copy
 * of the gateway's test-tree LeakCheck: bench does not depend on the gateway's tests.
 */
public final class LeakCheck implements AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                        long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String type, String records) {
                        LEAKS.add("LEAK " + type + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String type) {
                        LEAKS.add("LEAK " + type + " (no records)");
                    }
                };
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        List<String> found = collect();
        if (!found.isEmpty()) {
            fail("Netty reported " + found.size() + " leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n\n", found));
        }
    }

    /** Gives the detector its chance, then returns (and forgets) the leaks reported so far. */
    static List<String> collect() throws InterruptedException {
        // a leak is noticed when its buffer has been collected and the detector next tracks an allocation
        for (int round = 0; round < 3; round++) {
            collectGarbage();
            for (int i = 0; i < 64; i++) {
                ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                direct.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
            }
        }
        List<String> found = List.copyOf(LEAKS);
        LEAKS.removeAll(found);
        return found;
    }

    /** A full GC, and then waits (at most a second) until its cleared references have been handed out. */
    private static void collectGarbage() throws InterruptedException {
        ReferenceQueue<Object> cleared = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), cleared);
        System.gc();
        cleared.remove(1000);
        Reference.reachabilityFence(sentinel);
    }
}
