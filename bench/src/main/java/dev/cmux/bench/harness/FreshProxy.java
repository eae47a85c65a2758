package dev.cmux.bench.harness;

import dev.cmux.bench.load.Target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A proxy process started for one measurement only, by bench/proxies/launch.sh (the launcher run.sh starts the
 * long-lived ones with), so a number read from it owes nothing to what earlier scenarios left in its memory.
 * Closing it stops it.
 */
record FreshProxy(Process process, String name, int port, Path log) implements AutoCloseable {

    private static final long LISTEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long STOP_TIMEOUT_SECONDS = 30;

    /**
     * @param kind what launch.sh starts ({@code gateway}, {@code caddy}, {@code nginx})
     * @param env  added to the launcher's environment (run.sh's exports)
     */
    static FreshProxy start(Path launcher, Path work, String kind, String name, int port, Map<String, String> env)
            throws IOException {
        Path log = work.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", launcher.toString(), kind, name,
                String.valueOf(port))).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new FreshProxy(pb.start(), name, port, log);
    }

    /** The proxy's own pid: the launcher {@code exec}s it. */
    long pid() {
        return process.pid();
    }

    /** Where the load for a backend port goes through this proxy. */
    Target route(int backendPort) {
        return TargetUnderTest.proxy(name, port, process.pid()).route(backendPort);
    }

    /** Polls its port until something answers; fails with its log when it exits first or takes 30 s. */
    void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LISTEN_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new IOException(name + " did not listen on " + port + " in 30 s; its log:\n" + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
