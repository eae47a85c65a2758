package dev.cmux.gateway.config;

import dev.cmux.control.sandbox.SandboxNaming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code embedding:} and {@code sandboxes:} as read from a file. */
class EmbeddingConfigTest {

    @TempDir
    Path dir;

    @Test
    void offAndNamedByVmidUnlessConfigured() throws Exception {
        GatewayConfig c = load("listen: 127.0.0.1:8080\n");
        assertFalse(c.embedding().enabled());
        assertEquals(SandboxNaming.VMID, c.sandboxes().naming());
    }

    @Test
    void originsAreWrittenAsBrowsersSendThem() throws Exception {
        GatewayConfig c = load("""
                embedding:
                  origins: ["HTTPS://Cmux.Example.com:443", "http://localhost:5173"]
                  byPort:
                    - { ports: [39380, "6000-6010"], origins: ["https://vnc.example.com:8443"] }
                sandboxes:
                  naming: instance
                """);
        assertTrue(c.embedding().enabled());
        assertEquals(List.of("https://cmux.example.com", "http://localhost:5173"), c.embedding().origins());
        assertEquals(List.of(new EmbeddingConfig.PortOrigins(List.of(PortRange.parse("39380"),
                PortRange.parse("6000-6010")), List.of("https://vnc.example.com:8443"))), c.embedding().byPort());
        assertEquals(SandboxNaming.INSTANCE, c.sandboxes().naming());
    }

    @Test
    void whatIsNotAnOriginIsRefusedWithItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                embedding:
                  origins: ["https://cmux.example.com/app", "ftp://x.test", "*"]
                  byPort:
                    - { ports: [39380] }
                sandboxes:
                  naming: uuid
                """));
        String m = e.getMessage();
        assertTrue(m.contains("embedding.origins[0]: 'https://cmux.example.com/app' is not an origin"), m);
        assertTrue(m.contains("embedding.origins[1]"), m);
        assertTrue(m.contains("embedding.origins[2]"), m);
        assertTrue(m.contains("embedding.byPort[0]: needs both ports and origins"), m);
        assertTrue(m.contains("sandboxes.naming: must be vmid or instance, not 'uuid'"), m);
    }

    private GatewayConfig load(String yaml) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, Map.of());
    }
}
