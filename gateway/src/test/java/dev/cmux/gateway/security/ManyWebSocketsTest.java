package dev.cmux.gateway.security;

import dev.cmux.control.testing.Await;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.WebSocketCrowd;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PoolArenaMetric;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of WebSockets open at once through one gateway, then all closed: every connection, relay and buffer
 * is released. The crowd runs in a process of its own; the gateway holds two descriptors per WebSocket, and this
 * machine's hard limit of open files (20,000, not raisable in this sandbox) caps one process at 9,000 of them.
 */
class ManyWebSocketsTest {

    private static final int VMID = 290;
    private static final int CROWD = 9_000;

    @Test
    void nineThousandWebSocketsOpenAtOnceAndEveryResourceComesBackWhenTheyClose() throws Exception {
        long activeBefore = activeDirectAllocations();
        try (GatewayUnderTest gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder()
                .maxConnections(50_000).maxConnectionsPerClient(20_000).build(), VMID)) {
            Process crowd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), WebSocketCrowd.class.getName(),
                    Integer.toString(gateway.port()), Integer.toString(CROWD), Integer.toString(VMID),
                    GatewayUnderTest.DOMAIN).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(crowd.getInputStream(),
                    StandardCharsets.UTF_8)); Writer in = new OutputStreamWriter(crowd.getOutputStream(),
                    StandardCharsets.UTF_8)) {
                String opened = readUntil(out, "OPEN", "FAILED");
                assertEquals("OPEN " + CROWD, opened);
                assertEquals(CROWD, gateway.server().openConnections(), "all open at once");
                in.write("close\n");
                in.flush();
                assertEquals("CLOSED", readUntil(out, "CLOSED", "FAILED"));
            } finally {
                crowd.destroy();
                crowd.waitFor(10, TimeUnit.SECONDS);
            }
            List<String> log = gateway.accessLog(CROWD);
            assertEquals(CROWD, log.stream().filter(l -> l.contains("\"upgraded\":true")).count(),
                    "every relay ended (and released its client permit)");
            Await.until(() -> gateway.server().openConnections() == 0, "no connection left behind");
        }
        long activeAfter = activeDirectAllocations();
        System.out.println("active direct allocations before " + activeBefore + ", after " + activeAfter);
        assertTrue(activeAfter <= activeBefore + 64, "buffers came back: " + activeBefore + " -> " + activeAfter);
    }

    private static long activeDirectAllocations() {
        long active = 0;
        for (PoolArenaMetric arena : PooledByteBufAllocator.DEFAULT.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }

    private static String readUntil(BufferedReader out, String... prefixes) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            for (String p : prefixes) {
                if (line.startsWith(p)) {
                    return line;
                }
            }
        }
        return "the crowd process ended without " + String.join(" or ", prefixes);
    }
}
