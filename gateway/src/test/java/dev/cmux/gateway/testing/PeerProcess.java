package dev.cmux.gateway.testing;

import dev.cmux.control.testing.Await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A peer program started by a test: its output (standard error merged in) is kept line by line and copied to
 * {@code <name>.log} in the test's artifact directory. {@link #close()} stops it and every process it started
 * (Chromium's renderers, websockify's per-connection children): SIGTERM, then SIGKILL after 10 s. A JVM that
 * ends early still stops whatever is left, so no peer outlives the build.
 */
public final class PeerProcess implements AutoCloseable {

    private static final Set<PeerProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(PeerProcess::close), "peer-cleanup"));
    }

    private final String name;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private PeerProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        Writer logFile = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        this.reader = new Thread(() -> copyOutput(logFile), name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static PeerProcess start(String name, Path artifacts, List<String> command) throws IOException {
        return start(name, artifacts, command, Map.of(), null);
    }

    public static PeerProcess start(String name, Path artifacts, List<String> command, Map<String, String> env,
                                    Path workDir) throws IOException {
        Files.createDirectories(artifacts);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        // the environment this build happens to run in must not reconfigure the gateway under test
        builder.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("PVE_")
                || k.startsWith("CF_") || k.equals("CLOUDFLARED_DIR") || k.equals("SYSTEMD_UNIT_DIR"));
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        PeerProcess peer = new PeerProcess(name, builder.start(), artifacts.resolve(name + ".log"));
        RUNNING.add(peer);
        return peer;
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> output() {
        return List.copyOf(output);
    }

    public String outputText() {
        List<String> lines = output();
        int from = Math.max(0, lines.size() - 60);
        return (from > 0 ? "[... " + from + " earlier lines in " + name + ".log]\n" : "")
                + String.join("\n", lines.subList(from, lines.size()));
    }

    /** The first output line that {@code ready} accepts; fails if the process ends or time runs out first. */
    public String awaitLine(Predicate<String> ready, Duration timeout) throws Exception {
        AtomicReference<String> line = new AtomicReference<>();
        Await.until(() -> {
            boolean ended = !process.isAlive();
            if (ended) {
                reader.join(2000); // its last lines
            }
            output().stream().filter(ready).findFirst().ifPresent(line::set);
            if (line.get() == null && ended) {
                fail(name + " exited with " + process.exitValue() + " before it was ready; its output:\n"
                        + outputText());
            }
            return line.get() != null;
        }, timeout, () -> name + " ready; its output:\n" + outputText());
        return line.get();
    }

    /** Waits until something accepts connections on 127.0.0.1:{@code port}; fails if the process ends first. */
    public void awaitListening(int port, Duration timeout) throws Exception {
        Await.until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return true;
            } catch (IOException e) {
                if (!isAlive()) {
                    fail(name + " exited before listening on port " + port + "; its output:\n" + outputText());
                }
                return false;
            }
        }, timeout, name + " listening on port " + port);
    }

    /** For short commands: waits for the exit and returns its code; fails (after stopping it) on a time-out. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            return fail(name + " did not finish within " + timeout.toSeconds() + " s; its output:\n" + outputText());
        }
        // the exit comes before the last lines are read: a loaded machine needs a moment to drain the pipe
        reader.join(30_000);
        if (reader.isAlive()) {
            return fail(name + " exited but its output did not end within 30 s; so far:\n" + outputText());
        }
        RUNNING.remove(this);
        return process.exitValue();
    }

    /** Stops the process and its descendants. */
    @Override
    public void close() {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        // SIGTERM; Process.destroy() would also close our end of its output and lose the last lines
        family.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : family) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        // children started after the first look (a renderer being born) go too
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    /** Closes each peer that was started (nulls are skipped), all of them even when one fails; rethrows the first. */
    public static void closeAll(AutoCloseable... peers) {
        Throwable first = null;
        for (AutoCloseable peer : peers) {
            try {
                if (peer != null) {
                    peer.close();
                }
            } catch (Throwable e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof Error error) {
            throw error;
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    public int exitValue() {
        return process.exitValue();
    }

    private void copyOutput(Writer logFile) {
        try (logFile; BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                logFile.write(line);
                logFile.write('\n');
                logFile.flush();
            }
        } catch (IOException e) {
            if (process.isAlive()) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
