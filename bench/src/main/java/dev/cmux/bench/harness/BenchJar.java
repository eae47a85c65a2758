package dev.cmux.bench.harness;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** cmux-bench.jar, the jar the harness runs from, started again for each client and for JMH. */
record BenchJar(Path file) {

    static BenchJar running() throws URISyntaxException {
        return new BenchJar(Path.of(BenchJar.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }

    /** {@code java [jvmFlags] -jar cmux-bench.jar [args]}, with the JVM this harness runs on. */
    List<String> command(List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(file.toString());
        command.addAll(args);
        return command;
    }
}
