package dev.cmux.control.poll;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Runs a pass (the lifecycle's) on a daemon thread of its own, {@code interval} after the
 * previous pass ended. The interval is read again before each wait, so a config reload applies; a pass that fails
 * is logged and the next one runs as planned.
 */
public final class Periodic implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Periodic.class.getName());

    private final String name;
    private final Supplier<Duration> interval;
    private final Runnable pass;
    private final ScheduledExecutorService thread;

    private Periodic(String name, Supplier<Duration> interval, Runnable pass) {
        this.name = name;
        this.interval = interval;
        this.pass = pass;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** @param name the thread's name, also in the log line of a failed pass */
    public static Periodic start(String name, Supplier<Duration> interval, Runnable pass) {
        Periodic periodic = new Periodic(name, interval, pass);
        periodic.scheduleNext();
        return periodic;
    }

    private void scheduleNext() {
        try {
            thread.schedule(this::runPass, interval.get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // closed meanwhile: no next pass
        }
    }

    private void runPass() {
        try {
            pass.run();
        } catch (RuntimeException e) {
            LOG.warning(name + " pass failed: " + e.getMessage());
        } finally {
            scheduleNext();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
