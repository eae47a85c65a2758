package dev.cmux.gateway.warmup;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A visitor on plain sockets, so that it loads nothing the gateway would then count as warmed: one keep-alive
 * connection for HTTP, a new one per WebSocket, every answer read to its end. The warm-up's visitor, and the bench's
 * for the first requests after a start (bench/ "cold").
 */
public final class PlainVisitor implements AutoCloseable {

    private final InetSocketAddress gateway;
    private Socket http;
    private InputStream in;
    private OutputStream out;

    public PlainVisitor(InetSocketAddress gateway) {
        this.gateway = gateway;
    }

    /** The status of {@code method path} at {@code host}, its body read; the connection is kept when it may be. */
    public int request(String method, String host, String path, String body) throws IOException {
        if (http == null) {
            http = connect();
            in = new BufferedInputStream(http.getInputStream());
            out = http.getOutputStream();
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: cmux-gateway warm-up\r\n"
                + (body == null ? "" : "Content-Type: text/plain\r\nContent-Length: " + content.length + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();
        Head head = Head.read(in);
        readBody(head);
        if (head.closes) {
            closeHttp();
        }
        return head.status;
    }

    /**
     * Upgrades a new connection to {@code path} at {@code host}, sends {@code text}, and returns what came back
     * before closing.
     */
    public String webSocket(String host, String path, String text) throws IOException {
        try (Socket s = connect()) {
            InputStream wsIn = new BufferedInputStream(s.getInputStream());
            OutputStream wsOut = s.getOutputStream();
            wsOut.write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: d2FybS11cCBvZiBjbXV4IQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            wsOut.flush();
            Head head = Head.read(wsIn);
            if (head.status != 101) {
                throw new IOException("the WebSocket upgrade was answered " + head.status);
            }
            wsOut.write(maskedFrame(0x1, text.getBytes(StandardCharsets.UTF_8)));
            wsOut.flush();
            String echoed = new String(readFramePayload(wsIn), StandardCharsets.UTF_8);
            wsOut.write(maskedFrame(0x8, new byte[] {0x03, (byte) 0xE8})); // close, 1000
            wsOut.flush();
            readFramePayload(wsIn); // the close that answers it
            return echoed;
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        s.connect(gateway, 5_000);
        return s;
    }

    private void readBody(Head head) throws IOException {
        if (head.chunked) {
            while (true) {
                int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    return;
                }
                in.readNBytes(size);
                line(in);
            }
        }
        if (head.length >= 0) {
            in.readNBytes((int) head.length);
        } else if (head.closes) {
            in.readAllBytes();
        }
    }

    private static byte[] maskedFrame(int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        frame.write(0x80 | payload.length); // small frames only
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    private static byte[] readFramePayload(InputStream in) throws IOException {
        int first = in.read();
        int second = in.read();
        if (first < 0 || second < 0) {
            throw new IOException("the WebSocket ended early");
        }
        int length = second & 0x7F;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        } else if (length == 127) {
            throw new IOException("a frame larger than the warm-up sends");
        }
        return in.readNBytes(length);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (c == -1 && line.isEmpty()) {
            throw new IOException("the connection ended before a line");
        }
        return line.toString();
    }

    private void closeHttp() throws IOException {
        if (http != null) {
            http.close();
            http = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeHttp();
    }

    /** The status line and the headers that say how the body ends. */
    private record Head(int status, long length, boolean chunked, boolean closes) {
        static Head read(InputStream in) throws IOException {
            String status = line(in);
            int code = Integer.parseInt(status.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean closes = false;
            String header;
            while (!(header = line(in)).isEmpty()) {
                String h = header.toLowerCase(Locale.ROOT);
                if (h.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                    chunked = true;
                } else if (h.startsWith("connection:") && h.contains("close")) {
                    closes = true;
                }
            }
            return new Head(code, code == 101 || code == 204 || code == 304 ? 0 : length, chunked, closes);
        }
    }
}
