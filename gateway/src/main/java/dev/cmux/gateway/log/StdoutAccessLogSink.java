package dev.cmux.gateway.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes access-log lines to standard output from its own thread, so an event loop never waits for a pipe
 * (journald can stall). When the queue is full, lines are dropped and counted rather than blocking traffic.
 */
public final class StdoutAccessLogSink implements AccessLogSink, AutoCloseable {

    private static final String STOP = new String("stop");

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    public StdoutAccessLogSink() {
        writer = new Thread(this::drain, "access-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void accept(String jsonLine) {
        if (!queue.offer(jsonLine)) {
            dropped.incrementAndGet();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 64 * 1024);
        List<String> batch = new ArrayList<>(256);
        try {
            while (true) {
                String first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                for (String line : batch) {
                    if (line == STOP) {
                        out.flush();
                        return;
                    }
                    out.write(line);
                    out.write('\n');
                }
                batch.clear();
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // standard output is gone (the service manager closed it); nothing left to log to
        }
    }

    /** Writes what is queued, then stops the writer thread. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
