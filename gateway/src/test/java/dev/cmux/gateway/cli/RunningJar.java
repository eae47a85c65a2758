package dev.cmux.gateway.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** {@code java -jar target/cmux-gateway.jar run --config FILE} as a process, until it logs where it listens. */
final class RunningJar implements AutoCloseable {

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private RunningJar(Process process) {
        this.process = process;
    }

    static RunningJar start(Path config, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarProcess.JAR.toString(), "run", "--config", config.toString()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("PVE_")
                || k.startsWith("CF_"));
        builder.environment().putAll(env);
        RunningJar jar = new RunningJar(builder.start());
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(jar.process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    jar.log.add(line);
                    if (line.contains("listening on")) {
                        listening.complete(line);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IllegalStateException("the gateway ended: " + jar.log));
        }, "jar-output");
        reader.setDaemon(true);
        reader.start();
        listening.get(60, TimeUnit.SECONDS);
        return jar;
    }

    /** Every line it printed so far: diagnostics and access log, JSON each. */
    List<String> log() {
        return log;
    }

    /** SIGTERM, as systemd stops it; true when it exited within 30 s. */
    boolean stop() throws InterruptedException {
        process.toHandle().destroy();
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (!stop()) {
            process.destroyForcibly();
        }
    }
}
