package dev.cmux.bench.wake;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A DNS server on loopback UDP that answers every query NXDOMAIN at once: the gateway under measurement finds no
 * sandbox name in DNS (its address comes from PVE's guest agent) without waiting for a resolver's timeout.
 */
final class NxDomainServer implements AutoCloseable {

    private static final int HEADER = 12;

    private final DatagramSocket socket;

    NxDomainServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::serve, "nxdomain-dns");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                if (query.getLength() < HEADER) {
                    continue;
                }
                byte[] answer = java.util.Arrays.copyOf(query.getData(), query.getLength());
                // the query echoed (question and EDNS record), flagged as an answer: QR, RD and RA set, RCODE 3
                answer[2] = (byte) (0x80 | (answer[2] & 0x01));
                answer[3] = (byte) 0x83;
                socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
