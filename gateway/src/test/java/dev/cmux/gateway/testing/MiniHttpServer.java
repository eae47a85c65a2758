package dev.cmux.gateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on loopback, written on plain sockets so a test controls every byte it sends (1xx,
 * resets mid-body, silence) and so none of its memory is counted in Netty's allocator metrics. One thread per
 * connection; keep-alive until the handler closes or the peer does.
 */
public final class MiniHttpServer implements AutoCloseable {

    /** Answers one request. Return false to close the connection afterwards. */
    @FunctionalInterface
    public interface Handler {
        boolean handle(Request request, OutputStream out) throws IOException;
    }

    /** @param indexOnConnection 0 for the first request on its connection, 1 for the next, ... */
    public record Request(String method, String target, Map<String, String> headers, InputStream body,
                          int indexOnConnection) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public byte[] readBody() throws IOException {
            return body.readAllBytes();
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final AtomicInteger connections = new AtomicInteger();
    private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Request> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public MiniHttpServer(Handler handler) throws IOException {
        this(RoutablePorts.listen(InetAddress.getLoopbackAddress(), 200), handler);
    }

    /** A server on {@code address:port} that answers every request with {@code text}. */
    public static MiniHttpServer on(InetAddress address, int port, String text) throws IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new MiniHttpServer(new ServerSocket(port, 200, address), (req, out) -> {
            writeHead(out, 200, "OK", "Content-Length: " + body.length);
            out.write(body);
            return true;
        });
    }

    /** A server on {@code address:port} answering with {@code handler}. */
    public static MiniHttpServer on(InetAddress address, int port, Handler handler) throws IOException {
        return new MiniHttpServer(new ServerSocket(port, 200, address), handler);
    }

    private MiniHttpServer(ServerSocket server, Handler handler) {
        this.server = server;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "mini-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Request heads seen so far (bodies already consumed). */
    public java.util.List<Request> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "mini-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            for (int index = 0; ; index++) {
                Request request = readHead(in, index);
                if (request == null) {
                    return;
                }
                requests.add(request);
                boolean keepOpen = handler.handle(request, out);
                out.flush();
                request.body().transferTo(OutputStream.nullOutputStream()); // whatever the handler left unread
                if (!keepOpen) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went away, or the handler closed: both are ends of a conversation
        } finally {
            open.remove(s);
        }
    }

    static Request readHead(InputStream in, int index) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        InputStream body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = new ChunkedInputStream(in);
        } else {
            long length = headers.containsKey("content-length") ? Long.parseLong(headers.get("content-length")) : 0;
            body = new BoundedInputStream(in, length);
        }
        return new Request(parts[0], parts[1], headers, body, index);
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes a response head; {@code extraHeaders} as full lines without CRLF. */
    public static void writeHead(OutputStream out, int status, String reason, String... extraHeaders)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        for (String h : extraHeaders) {
            head.append(h).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    public static void writeChunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public static void endChunks(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n == -1) {
                throw new EOFException("body ended early");
            }
            left -= n;
            return n;
        }
    }

    private static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String size = readLine(in);
                if (size == null) {
                    throw new EOFException("chunked body ended early");
                }
                int semi = size.indexOf(';');
                chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (chunkLeft == 0) {
                    String trailer;
                    while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                        // trailers are not used by these tests
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n == -1) {
                throw new EOFException("chunk ended early");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                readLine(in); // CRLF after the chunk
            }
            return n;
        }
    }
}
