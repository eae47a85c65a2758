package dev.cmux.gateway.testing;

import dev.cmux.control.pve.PveEmulator;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server of a sandbox's port, listening from the moment the emulated container first runs, as a service
 * inside it would: until then a connection is refused, so a request through the gateway has to wake it.
 */
public final class ServedOnceRunning implements AutoCloseable {

    private final AtomicReference<MiniHttpServer> server = new AtomicReference<>();

    private ServedOnceRunning() {
    }

    /** Starts {@code server} when {@code vmid} first runs in {@code pve}. */
    public static ServedOnceRunning on(PveEmulator pve, int vmid, Callable<MiniHttpServer> server) {
        ServedOnceRunning served = new ServedOnceRunning();
        pve.onPowerChange((v, running) -> {
            if (v == vmid && running && served.server.get() == null) {
                try {
                    served.server.set(server.call());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return served;
    }

    @Override
    public void close() throws IOException {
        MiniHttpServer s = server.get();
        if (s != null) {
            s.close();
        }
    }
}
