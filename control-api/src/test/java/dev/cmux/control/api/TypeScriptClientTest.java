package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.sandbox.ResolverInvalidation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract from a cmux developer's side: {@code openapi-typescript} generates types from the document, {@code tsc}
 * type-checks {@code cmux-client.ts} against them (strict), and the program creates, execs, snapshots and destroys a
 * sandbox through a control API in front of the PVE emulator. The TypeScript project is
 * {@code control-api/src/test/typescript}, its packages locked in {@code package-lock.json}; without them this fails
 * (it does not skip): run {@code npm ci} there, as {@code .ci/run} does.
 */
class TypeScriptClientTest {

    private static final Path PROJECT = Path.of("src/test/typescript");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A bound on each step, so that a hung process fails the test instead of the build; not a timing assertion. */
    private static final long STEP_SECONDS = 180;

    private ControlApiFixture fixture;

    @BeforeEach
    void start() {
        for (String module : List.of("openapi-typescript", "typescript", "openapi-fetch")) {
            if (!Files.isRegularFile(PROJECT.resolve("node_modules").resolve(module).resolve("package.json"))) {
                fail("npm package '" + module + "' is not installed in control-api/src/test/typescript: run "
                        + "(cd control-api/src/test/typescript && npm ci)");
            }
        }
        fixture = ControlApiFixture.start("sandbox.example.com", true, ResolverInvalidation.NONE);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            List<String> violations = fixture.pve().violations();
            fixture.close();
            assertEquals(List.of(), violations, "requests real PVE would reject");
        }
    }

    @Test
    void theGeneratedTypesCheckAndTheProgramCreatesExecsSnapshotsAndDestroysASandbox() throws Exception {
        run(List.of("node_modules/.bin/openapi-typescript", "../../main/resources/openapi.json", "-o",
                "generated/control-api.d.ts"), Map.of());
        String types = Files.readString(PROJECT.resolve("generated/control-api.d.ts"));
        assertTrue(types.contains("\"/v1/sandboxes/{vmid}/exec\""), "the generated types name the exec route");
        run(List.of("node_modules/.bin/tsc", "-p", "."), Map.of());

        String out = run(List.of("node", "build/cmux-client.js"), Map.of("CMUX_GATEWAY_URL", fixture.baseUrl(),
                "GATEWAY_CONTROL_TOKEN", ControlApiFixture.TOKEN));

        List<JsonNode> steps = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) {
            steps.add(JSON.readTree(line));
        }
        assertEquals(List.of("create", "running", "exec", "snapshot", "get", "destroy", "deleted"),
                steps.stream().map(s -> s.path("step").asText()).toList(), out);
        int vmid = steps.get(1).path("vmid").asInt();
        assertEquals(0, steps.get(2).path("exitCode").asInt(), out);
        assertEquals("hello from cmux", steps.get(2).path("stdout").asText(), out);
        assertEquals("succeeded", steps.get(5).path("state").asText(), out);
        assertTrue(fixture.pve().requests().stream().anyMatch(r -> r.contains("/lxc/" + vmid + "/snapshot")),
                "PVE was asked for the snapshot");
        assertTrue(!fixture.pve().exists(vmid), "the sandbox is gone from PVE");
    }

    /** Runs {@code command} in the TypeScript project; its output, or a failure with it when it exits non-zero. */
    private static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile("typescript-client", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(STEP_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not end within " + STEP_SECONDS + " s:\n"
                        + Files.readString(log));
            }
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
