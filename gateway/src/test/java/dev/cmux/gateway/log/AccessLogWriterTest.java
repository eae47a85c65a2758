package dev.cmux.gateway.log;

import dev.cmux.control.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log's writer: whole lines, none lost or reordered, batched, never blocking the caller. */
class AccessLogWriterTest {

    @Test
    void linesFromManyThreadsArriveWholeAndInTheOrderEachThreadWroteThem() throws Exception {
        RecordingStream out = new RecordingStream();
        AccessLogWriter writer = new AccessLogWriter(out, 1_000_000);
        int threads = 4;
        int perThread = 5_000;
        List<Thread> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            loops.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    writer.accept("{\"loop\":" + id + ",\"n\":" + i + "}");
                }
            }));
        }
        loops.forEach(Thread::start);
        for (Thread t : loops) {
            t.join();
        }
        writer.close();

        int[] next = new int[threads];
        for (String line : out.lines()) {
            int loop = Integer.parseInt(line.substring(line.indexOf(':') + 1, line.indexOf(',')));
            int n = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1, line.indexOf('}')));
            assertEquals(next[loop]++, n, () -> "out of order: " + line);
        }
        assertEquals(List.of(perThread, perThread, perThread, perThread), Arrays.stream(next).boxed().toList());
        for (byte[] write : out.writes()) {
            assertTrue(write.length <= AccessLogWriter.BATCH_BYTES, "a batch larger than one pipe write");
            assertEquals('\n', write[write.length - 1], "a write that ends inside a line");
        }
        assertEquals(0, writer.dropped());
    }

    @Test
    void linesThatQueuedWhileTheWriterWasBusyGoOutTogether() throws Exception {
        RecordingStream out = new RecordingStream();
        AccessLogWriter writer = busyWriting(out, 1_000, "first");
        String line = "x".repeat(99); // 100 bytes with its newline: 40 fit in a batch
        for (int i = 0; i < 100; i++) {
            writer.accept(line);
        }
        out.releaseFirstWrite();
        writer.close();

        assertEquals(101, out.lines().size());
        // "first", then the hundred queued lines in three writes (40 + 40 + 20) instead of a hundred
        assertEquals(List.of(6, 4000, 4000, 2000), out.writes().stream().map(w -> w.length).toList());
    }

    @Test
    void aLineIsWrittenWithoutWaitingForMoreOrForClose() throws Exception {
        RecordingStream out = new RecordingStream();
        AccessLogWriter writer = new AccessLogWriter(out, 1_000);
        try {
            for (int i = 0; i < 3; i++) {
                writer.accept("line " + i);
                int expected = i + 1;
                Await.until(() -> out.lines().size() >= expected, "line " + expected + " written without more lines");
                assertEquals(expected, out.lines().size());
            }
        } finally {
            writer.close();
        }
    }

    @Test
    void aFullQueueDropsLinesInsteadOfHoldingUpTheCaller() throws Exception {
        RecordingStream out = new RecordingStream();
        AccessLogWriter writer = busyWriting(out, 10, "taken by the writer, which then blocks writing it");
        for (int i = 0; i < 25; i++) {
            writer.accept("queued or dropped " + i);
        }
        assertEquals(15, writer.dropped());
        out.releaseFirstWrite();
        writer.close();
        assertEquals(11, out.lines().size());
        assertEquals("queued or dropped 9", out.lines().get(10));
    }

    @Test
    void aLineLongerThanABatchIsWrittenWhole() throws Exception {
        RecordingStream out = new RecordingStream();
        AccessLogWriter writer = new AccessLogWriter(out, 10);
        String path = "/" + "p".repeat(3 * AccessLogWriter.BATCH_BYTES);
        writer.accept("{\"path\":\"" + path + "\"}");
        writer.accept("after");
        writer.close();
        assertEquals(List.of("{\"path\":\"" + path + "\"}", "after"), out.lines());
    }

    @Test
    void linesAfterCloseAreDroppedAndCounted() {
        RecordingStream out = new RecordingStream();
        AccessLogWriter writer = new AccessLogWriter(out, 10);
        writer.accept("before");
        writer.close();
        writer.accept("after");
        assertEquals(List.of("before"), out.lines());
        assertEquals(1, writer.dropped());
    }

    /** A writer whose first write, of {@code line}, is under way and blocked until {@code out} releases it. */
    private static AccessLogWriter busyWriting(RecordingStream out, int capacity, String line) throws Exception {
        out.holdFirstWrite();
        AccessLogWriter writer = new AccessLogWriter(out, capacity);
        writer.accept(line);
        assertTrue(out.firstWriteStarted.await(5, TimeUnit.SECONDS), "the writer never wrote");
        return writer;
    }

    /** Every write() call kept apart; optionally the first one blocks until released. */
    private static final class RecordingStream extends OutputStream {
        private final List<byte[]> writes = new ArrayList<>();
        final CountDownLatch firstWriteStarted = new CountDownLatch(1);
        private CountDownLatch release;

        void holdFirstWrite() {
            release = new CountDownLatch(1);
        }

        void releaseFirstWrite() {
            release.countDown();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            firstWriteStarted.countDown();
            if (release != null) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                writes.add(Arrays.copyOfRange(b, off, off + len));
            }
        }

        @Override
        public void write(int b) {
            throw new AssertionError("the writer writes whole batches");
        }

        synchronized List<byte[]> writes() {
            return List.copyOf(writes);
        }

        synchronized List<String> lines() {
            StringBuilder all = new StringBuilder();
            writes.forEach(w -> all.append(new String(w, StandardCharsets.UTF_8)));
            return all.isEmpty() ? List.of() : List.of(all.toString().split("\n"));
        }
    }
}
