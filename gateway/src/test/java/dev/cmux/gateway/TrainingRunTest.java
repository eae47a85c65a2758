package dev.cmux.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingRunTest {

    @TempDir
    Path dir;

    /**
     * The operator's config names the ports of the running gateway and a PVE and Cloudflare to reach: the training
     * run reads it, and listens on none of those ports and connects to neither.
     */
    @Test
    void itReadsTheConfigButStartsAGatewayOfItsOwnThatReachesNothingConfigured() throws Exception {
        try (ServerSocket dataPlane = listening(); ServerSocket control = listening(); ServerSocket pve = listening();
             ServerSocket cloudflare = listening()) {
            Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                    listen: 127.0.0.1:%d
                    control: {listen: "127.0.0.1:%d", token: a-control-token-of-32-characters-x}
                    pve: {apiUrl: "https://127.0.0.1:%d", apiToken: "root@pam!cmux=00000000-0000-0000-0000-000000000000",
                          node: pve1}
                    cloudflare: {apiUrl: "http://127.0.0.1:%d/client/v4", apiToken: a-cloudflare-token,
                                 accountId: 0123456789abcdef0123456789abcdef, domain: example.com}
                    """.formatted(dataPlane.getLocalPort(), control.getLocalPort(), pve.getLocalPort(),
                    cloudflare.getLocalPort()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            int exit = TrainingRun.run(config, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));

            assertEquals(0, exit, err.toString());
            assertEquals("", err.toString());
            assertTrue(out.toString().startsWith("warm-up: {101=30, 200=900, 404=300, 502=30} by status in "),
                    out.toString());
            for (ServerSocket configured : new ServerSocket[] {dataPlane, control, pve, cloudflare}) {
                assertNothingConnected(configured);
            }
        }
    }

    @Test
    void aConfigWithProblemsIsLeftToRunAndValidateAndTheTrainingGoesOn() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "listen: not-an-address\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = TrainingRun.run(config, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));

        assertEquals(0, exit);
        assertEquals("warm-up: the config has problems (cmux-gateway validate names them); training goes on\n",
                err.toString());
        assertTrue(out.toString().startsWith("warm-up: {101=30, 200=900, 404=300, 502=30}"), out.toString());
    }

    private static ServerSocket listening() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** A connection, had one been made, waits in the backlog: accept finds it at once. */
    private static void assertNothingConnected(ServerSocket socket) throws IOException {
        socket.setSoTimeout(1);
        assertThrows(SocketTimeoutException.class, socket::accept, "something connected to " + socket);
    }
}
