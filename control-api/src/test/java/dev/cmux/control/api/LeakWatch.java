package dev.cmux.control.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Fails a test class on any Netty leak report (surefire runs with {@code -Dio.netty.leakDetection.level=paranoid}).
 * Netty logs leaks through JDK logging here; they surface when buffers are allocated after a GC, so the check
 * collects garbage and allocates before it looks.
 */
public final class LeakWatch implements BeforeAllCallback, AfterAllCallback {

    private static final Logger DETECTOR = Logger.getLogger(ResourceLeakDetector.class.getName());
    private final List<String> leaks = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue() && String.valueOf(record.getMessage())
                    .contains("LEAK")) {
                synchronized (leaks) {
                    leaks.add(record.getMessage());
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        DETECTOR.addHandler(handler);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 64; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(256);
                b.release();
            }
        }
        DETECTOR.removeHandler(handler);
        synchronized (leaks) {
            if (!leaks.isEmpty()) {
                throw new AssertionError("Netty reported leaks:\n" + String.join("\n", leaks));
            }
        }
    }
}
