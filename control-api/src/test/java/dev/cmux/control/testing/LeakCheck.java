package dev.cmux.control.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class when Netty's leak detector (PARANOID in the build) reports a leaked buffer during it.
 * Registered for every test by JUnit's extension auto-detection (META-INF/services), so no test can forget it.
 * Leaks surface when a collected buffer is noticed on the next allocation, so after each class it collects
 * garbage and allocates until the detector has had its chance.
 */
public final class LeakCheck implements AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
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
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
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

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                    long maxActive) {
            return new ResourceLeakDetector<>(resource, samplingInterval) {
                @Override
                protected void reportTracedLeak(String type, String records) {
                    LEAKS.add("LEAK " + type + records);
                    super.reportTracedLeak(type, records);
                }

                @Override
                protected void reportUntracedLeak(String type) {
                    LEAKS.add("LEAK " + type + " (no records)");
                    super.reportUntracedLeak(type);
                }
            };
        }
    }
}
