package dev.cmux.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal blocking WebSocket client on a plain socket: upgrade, then short text frames and their echoes. */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    public RawWebSocket(int gatewayPort, String host) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), gatewayPort);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1) {
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("no upgrade: " + head);
        }
    }

    /** Sends {@code text} (at most 125 bytes) and returns the frame that comes back. */
    public String echo(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        socket.getOutputStream().write(frame);
        int opcode = in.read();
        int length = in.read();
        if (opcode != 0x81 || length < 0) {
            throw new IOException("expected a text frame, got opcode " + opcode);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
