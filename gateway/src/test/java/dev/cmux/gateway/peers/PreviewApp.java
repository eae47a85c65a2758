package dev.cmux.gateway.peers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox side of the browser tests, like a dev preview on some port: a page, a server-sent event stream that
 * sends event n+1 only after the page acknowledged event n, an endless one that notices when its reader is gone,
 * an upload endpoint that answers the SHA-256 of what arrived and a download of random bytes. It records what
 * happened for the test.
 */
final class PreviewApp implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Integer> acks = new LinkedBlockingQueue<>();
    final AtomicInteger eventStreams = new AtomicInteger();
    final List<Long> eventSentMillis = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<Upload> uploads = new CopyOnWriteArrayList<>();
    final List<String> downloads = new CopyOnWriteArrayList<>();
    final CompletableFuture<Long> ticksEnded = new CompletableFuture<>();

    record Upload(long bytes, String sha256, String contentLength, String transferEncoding) {
    }

    PreviewApp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext("/", this::page);
        server.createContext("/events", guarded(this::events));
        server.createContext("/ack", guarded(this::ack));
        server.createContext("/ticks", guarded(this::ticks));
        server.createContext("/upload", guarded(this::upload));
        server.createContext("/download", guarded(this::download));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void page(HttpExchange exchange) throws IOException {
        byte[] html = "<!doctype html><meta charset=utf-8><title>preview</title><p>preview app"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, html.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(html);
        }
    }

    /** GET /events?count=N: event n is {@code data: n}; the response stays open until the last one is acknowledged. */
    private void events(HttpExchange exchange) throws Exception {
        eventStreams.incrementAndGet();
        int count = Integer.parseInt(exchange.getRequestURI().getQuery().replace("count=", ""));
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int n = 0; n < count; n++) {
                out.write(("id: " + n + "\ndata: " + n + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                eventSentMillis.add(System.currentTimeMillis());
                Integer ack = acks.poll(20, TimeUnit.SECONDS);
                if (ack == null || ack != n) {
                    problems.add("event " + n + " was sent; the page acknowledged " + ack + " within 20 s");
                    return;
                }
            }
        }
    }

    /** GET /ticks: an event every 100 ms for as long as someone listens; {@link #ticksEnded} says when no one did. */
    private void ticks(HttpExchange exchange) throws Exception {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int n = 0; n < 600; n++) {
                out.write(("data: tick " + n + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(100);
            }
            problems.add("/ticks: 600 ticks written, and the connection is still open");
        } catch (IOException e) {
            ticksEnded.complete(System.currentTimeMillis());
        }
    }

    /** POST /ack?n=N from the page: it received event N. */
    private void ack(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        acks.add(Integer.parseInt(exchange.getRequestURI().getQuery().replace("n=", "")));
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    /** POST /upload: answers the SHA-256 (hex) of the body. */
    private void upload(HttpExchange exchange) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; bytes += n) {
                sha256.update(buffer, 0, n);
            }
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        uploads.add(new Upload(bytes, hex, exchange.getRequestHeaders().getFirst("Content-Length"),
                exchange.getRequestHeaders().getFirst("Transfer-Encoding")));
        byte[] body = hex.getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** GET /download?bytes=N: N random bytes, chunked (no length told in advance); records their SHA-256. */
    private void download(HttpExchange exchange) throws IOException, NoSuchAlgorithmException {
        long size = Long.parseLong(exchange.getRequestURI().getQuery().replace("bytes=", ""));
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        byte[] buffer = new byte[64 * 1024];
        Random random = new Random();
        try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent < size; sent += buffer.length) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, size - sent);
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            // recorded before the last chunk goes out, so it is there when the page has the whole body
            downloads.add(HexFormat.of().formatHex(sha256.digest()));
        }
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    /** A handler whose failure is recorded for the test instead of vanishing in the server's thread. */
    private com.sun.net.httpserver.HttpHandler guarded(Handler handler) {
        return exchange -> {
            try {
                handler.handle(exchange);
            } catch (Exception e) {
                problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + e);
                exchange.close();
            }
        };
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
