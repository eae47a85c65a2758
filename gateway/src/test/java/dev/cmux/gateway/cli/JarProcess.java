package dev.cmux.gateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code java -jar target/cmux-gateway.jar ARGS} to its end, as an operator's shell would. */
record JarProcess(int exitCode, String output) {

    static final Path JAR = Path.of("target", "cmux-gateway.jar");

    static JarProcess run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar is built by 'mvn package': " + JAR.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("PVE_")
                || k.startsWith("CF_") || k.equals("CLOUDFLARED_DIR") || k.equals("SYSTEMD_UNIT_DIR"));
        builder.environment().putAll(env);
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command ends by itself");
        return new JarProcess(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
