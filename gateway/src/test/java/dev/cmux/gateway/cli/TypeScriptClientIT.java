package dev.cmux.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.exec.ExecdServer;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.gateway.testing.RoutablePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * sandbox through the running gateway (the shaded jar) in front of the PVE emulator, with a test execd where the
 * sandbox's execd would be. The TypeScript project is {@code control-api/src/test/typescript}, its packages locked in
 * {@code package-lock.json}; without them this fails (it does not skip): run {@code npm ci} there, as
 * {@code .ci/run} does.
 */
class TypeScriptClientIT {

    private static final Path PROJECT = Path.of("../control-api/src/test/typescript");
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A bound on each step, so that a hung process fails the test instead of the build; not a timing assertion. */
    private static final long STEP_SECONDS = 180;

    @TempDir
    Path dir;
    private PveEmulator pve;
    private ExecdServer execd;
    private GatewayJar gateway;
    private String controlUrl;

    @BeforeEach
    void start() throws Exception {
        for (String module : List.of("openapi-typescript", "typescript", "openapi-fetch")) {
            if (!Files.isRegularFile(PROJECT.resolve("node_modules").resolve(module).resolve("package.json"))) {
                fail("npm package '" + module + "' is not installed in control-api/src/test/typescript: run "
                        + "(cd control-api/src/test/typescript && npm ci)");
            }
        }
        pve = PveEmulator.start();
        pve.seedTemplate(9000);
        pve.containerAddress("127.0.0.1");
        execd = ExecdServer.start(SandboxSettings.EXECD_PORT);
        // as the sandbox's execd would: it wants the token its container got at start
        execd.requireToken(() -> pve.vmids().stream().filter(v -> v != 9000).findFirst()
                .map(v -> pve.runtimeEnvironment(v).get("CMUX_EXECD_AUTH_TOKEN")));
        int controlPort = RoutablePorts.pick();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "listen: 127.0.0.1:" + RoutablePorts.pick() + "\ncontrol: { listen: \"127.0.0.1:"
                + controlPort + "\" }\nrouting: { suffix: \"\" }\n");
        gateway = GatewayJar.start(config, Map.of("PVE_API_URL", pve.url(), "PVE_API_TOKEN", PveEmulator.TOKEN,
                "PVE_TLS_FINGERPRINT", pve.fingerprint(), "PVE_TEMPLATE_VMID", "9000", "PVE_NODE", pve.node(),
                "PVE_PUBLIC_DOMAIN", "sandbox.example.com", "GATEWAY_CONTROL_TOKEN", TOKEN));
        controlUrl = "http://127.0.0.1:" + controlPort;
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            assertTrue(gateway.stop(), "the gateway stops on SIGTERM: " + gateway.output());
        }
        if (execd != null) {
            execd.close();
        }
        if (pve != null) {
            List<String> violations = pve.violations();
            pve.close();
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

        String out = run(List.of("node", "build/cmux-client.js"), Map.of("CMUX_GATEWAY_URL", controlUrl,
                "GATEWAY_CONTROL_TOKEN", TOKEN));

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
        assertTrue(pve.requests().stream().anyMatch(r -> r.contains("/lxc/" + vmid + "/snapshot")),
                "PVE was asked for the snapshot");
        assertTrue(!pve.exists(vmid), "the sandbox is gone from PVE");
        assertTrue(execd.authorizations().size() == 1 && execd.authorizations().get(0).matches("Bearer [0-9a-f]{64}"),
                "the exec carried the sandbox's own token, which execd required: " + execd.authorizations());
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
