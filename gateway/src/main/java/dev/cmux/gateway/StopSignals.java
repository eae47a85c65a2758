package dev.cmux.gateway;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM (systemd stop) and SIGINT run a graceful stop once, and the process then exits 0; SIGHUP (systemd
 * reload) re-reads the config. A plain shutdown hook would work for the stop too, but the JVM would exit 143 and
 * systemd would count a clean stop as a failure.
 */
final class StopSignals {

    private StopSignals() {
    }

    static void onTermOrInt(Runnable stop) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable stopOnce = () -> {
            if (once.compareAndSet(false, true)) {
                stop.run();
            }
        };
        Signal.handle(new Signal("TERM"), s -> new Thread(stopOnce, "stop").start());
        Signal.handle(new Signal("INT"), s -> new Thread(stopOnce, "stop").start());
    }

    static void onHup(Runnable reload) {
        Signal.handle(new Signal("HUP"), s -> new Thread(reload, "reload").start());
    }
}
