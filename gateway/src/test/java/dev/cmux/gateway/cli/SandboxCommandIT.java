package dev.cmux.gateway.cli;

import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.control.pve.PveEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cmux-gateway sandbox create --wait} from the shaded jar, as a client of a running gateway (also the
 * shaded jar) whose control API drives the strict PVE emulator.
 */
class SandboxCommandIT {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;
    private PveEmulator pve;
    private GatewayJar gateway;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        pve = PveEmulator.start();
        pve.seedTemplate(9000);
        pve.containerAddress("10.10.0.50");
        int dataPort = RoutablePorts.pick();
        int controlPort = RoutablePorts.pick();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "listen: 127.0.0.1:" + dataPort + "\ncontrol: { listen: \"127.0.0.1:" + controlPort
                + "\" }\nrouting: { suffix: \"\" }\n");
        env = Map.of("PVE_API_URL", pve.url(), "PVE_API_TOKEN", PveEmulator.TOKEN, "PVE_TLS_FINGERPRINT",
                pve.fingerprint(), "PVE_TEMPLATE_VMID", "9000", "PVE_NODE", pve.node(),
                "PVE_PUBLIC_DOMAIN", "sandbox.example.com", "GATEWAY_CONTROL_TOKEN", TOKEN);
        gateway = GatewayJar.start(config, env);
        env = new java.util.HashMap<>(env);
        env.put("GATEWAY_CONTROL_LISTEN", "127.0.0.1:" + controlPort);
    }

    @AfterEach
    void stop() throws Exception {
        assertTrue(gateway.stop(), "the gateway stops on SIGTERM: " + gateway.output());
        assertEquals(List.of(), pve.violations(), "every request the gateway sent matches PVE's schema");
        pve.close();
    }

    @Test
    void createWaitPrintsTheSandboxUrls() throws Exception {
        GatewayJar.Finished create = GatewayJar.run(env, "sandbox", "create", "--wait");
        assertEquals(0, create.exitCode(), create.output() + "\ngateway: " + gateway.output());
        assertTrue(create.output().contains("https://port-39378-vm-"), "the VS Code URL: " + create.output());
        assertTrue(create.output().contains(".sandbox.example.com"), create.output());
        String vmid = create.output().lines().filter(l -> l.startsWith("vmid")).findFirst().orElseThrow()
                .substring(4).trim();
        assertTrue(create.output().contains("address   10.10.0.50"), create.output());
        GatewayJar.Finished list = GatewayJar.run(env, "sandbox", "list");
        assertEquals(0, list.exitCode(), list.output());
        assertTrue(list.output().lines().anyMatch(l -> l.startsWith(vmid + " ") && l.contains("running")),
                "the new sandbox is listed as running: " + list.output());
        assertTrue(gateway.output().stream().noneMatch(l -> l.contains(PveEmulator.TOKEN.substring(15))),
                "the PVE token never reaches the log");
    }

    @Test
    void withoutTheTokenTheControlApiSaysSo() throws Exception {
        Map<String, String> noToken = new java.util.HashMap<>(env);
        noToken.remove("GATEWAY_CONTROL_TOKEN");
        GatewayJar.Finished list = GatewayJar.run(noToken, "sandbox", "list");
        assertTrue(list.exitCode() != 0, list.output());
        assertTrue(list.output().toLowerCase().contains("token") || list.output().contains("401"), list.output());
    }
}
