package dev.cmux.gateway.peers;

import dev.cmux.gateway.testing.RoutablePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.fail;

/** Loopback ports for peers that cannot be told to pick their own (websockify, Xvnc, the gateway's YAML). */
final class FreePort {

    private FreePort() {
    }

    static int pick() {
        try {
            return RoutablePorts.pick();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until something accepts connections on 127.0.0.1:{@code port}, or fails naming {@code what}. */
    static void awaitListening(int port, PeerProcess what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                if (!what.isAlive()) {
                    fail(what.name() + " exited before listening on port " + port + "; its output:\n"
                            + what.outputText());
                }
                Thread.sleep(50);
            }
        }
        fail(what.name() + " did not listen on port " + port + " within " + timeout.toSeconds() + " s; its output:\n"
                + what.outputText());
    }
}
