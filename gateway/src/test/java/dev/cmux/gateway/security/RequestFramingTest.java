package dev.cmux.gateway.security;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.stream.Stream;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9112 §6 and the smuggling rules of proxies.md §3: each request below is answered by the gateway itself, its
 * connection is closed, and the backend never sees a byte of it (a request the backend could frame differently
 * from us must not reach it at all).
 */
class RequestFramingTest {

    private static final int VMID = 250;
    private static MiniHttpServer backend;
    private static GatewayUnderTest gateway;
    private static String h;

    @BeforeAll
    static void start() throws Exception {
        backend = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: 0");
            return true;
        });
        gateway = GatewayUnderTest.start(Transport.best(), VMID);
        h = "Host: " + host(backend.port(), VMID) + "\r\n";
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        backend.close();
    }

    static Stream<Arguments> rules() {
        String host = "Host: HOST\r\n";
        return Stream.of(
                rule("Transfer-Encoding with Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                rule("Transfer-Encoding other than chunked", 501,
                        "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n"),
                rule("gzip before chunked (a coding we do not decode)", 501,
                        "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                rule("chunked not last", 501,
                        "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, gzip\r\n\r\n"),
                rule("Transfer-Encoding on HTTP/1.0", 400,
                        "POST / HTTP/1.0\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                rule("two equal Content-Length headers", 400,
                        "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
                rule("two different Content-Length headers", 400,
                        "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                rule("a Content-Length list", 400,
                        "POST / HTTP/1.1\r\n" + host + "Content-Length: 5, 5\r\n\r\nhello"),
                rule("a Content-Length that is not a number", 400,
                        "POST / HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\nhello"),
                rule("two Host headers", 400,
                        "GET / HTTP/1.1\r\n" + host + "Host: other.example\r\n\r\n"),
                rule("no Host on HTTP/1.1", 400,
                        "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
                rule("an absolute-form target whose authority is not the Host", 400,
                        "GET http://evil.example/ HTTP/1.1\r\n" + host + "\r\n"),
                rule("a space inside a header name", 400,
                        "GET / HTTP/1.1\r\n" + host + "X Forwarded: a\r\n\r\n"),
                rule("whitespace between header name and colon", 400,
                        "GET / HTTP/1.1\r\n" + host + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                rule("a control character in a header value", 400,
                        "GET / HTTP/1.1\r\n" + host + "X-A: a\u0001b\r\n\r\n"),
                rule("a bare CR inside a header value", 400,
                        "GET / HTTP/1.1\r\n" + host + "X-A: a\rb\r\n\r\n"),
                rule("bare LF line endings", 400,
                        "GET / HTTP/1.1\n" + host.replace("\r\n", "\n") + "\n"),
                rule("a chunk size that is not hex", 400,
                        "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                rule("a chunk size that overflows", 400,
                        "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nx\r\n0\r\n\r\n"),
                rule("a chunk whose data is longer than its size", 400,
                        "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n"),
                rule("a request line over 16 KiB", 414,
                        "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\n" + host + "\r\n"),
                rule("headers over 32 KiB", 431,
                        "GET / HTTP/1.1\r\n" + host + "X-Big: " + "b".repeat(33 * 1024) + "\r\n\r\n"));
    }

    /** RFC 9112 §5.2 lets a proxy replace obs-fold with a space instead of refusing: Netty does, so no backend sees a fold. */
    @org.junit.jupiter.api.Test
    void anObsoleteFoldedHeaderReachesTheBackendUnfolded() throws IOException {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /fold HTTP/1.1\r\n" + h + "X-A: a\r\n b\r\n"
                + "Connection: close\r\n\r\n", 10_000);
        assertEquals(200, reply.status(), reply.text());
        MiniHttpServer.Request seen = backend.requests().stream().filter(r -> r.target().equals("/fold")).findFirst()
                .orElseThrow();
        assertEquals("a b", seen.header("x-a"));
    }

    private static Arguments rule(String name, int status, String request) {
        return Arguments.of(name, status, request);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rules")
    void isAnsweredHereClosedAndNeverForwarded(String rule, int status, String request) throws IOException {
        int before = backend.requests().size();
        RawHttp.Reply reply = RawHttp.send(gateway.port(), request.replace("Host: HOST\r\n", h), 10_000);
        assertEquals(status, reply.status(), rule + ":\n" + reply.text());
        assertTrue(reply.header("X-Gateway-Error") != null, reply.text());
        assertTrue(reply.closedByServer(), rule + ": the connection is closed after the error");
        assertEquals(before, backend.requests().size(), rule + ": the backend received nothing");
    }

    /**
     * The refusals an operator most wants to trace name their source and what went back: the peer here (loopback
     * sent no visitor header), and the bytes of the error body the client was sent, as for any other response.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rules")
    void isLoggedWithItsClientAndTheBytesSent(String rule, int status, String request) throws Exception {
        String line = refusedAndLogged(request.replace("Host: HOST\r\n", h));
        assertTrue(line.contains("\"status\":" + status + ","), rule + ": " + line);
        assertTrue(line.contains("\"client\":\"127.0.0.1\""), rule + ": " + line);
    }

    /** Behind cloudflared (a trusted proxy) the client of a refused request is the visitor it names. */
    @org.junit.jupiter.api.Test
    void aRefusalFromCloudflaredIsLoggedWithTheVisitor() throws Exception {
        String line = refusedAndLogged("POST / HTTP/1.1\r\n" + h + "Cf-Connecting-Ip: 203.0.113.7\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertTrue(line.contains("\"client\":\"203.0.113.7\""), line);
    }

    /** Sends {@code request}, and returns its access-log line after checking that bytesOut is the body sent. */
    private static String refusedAndLogged(String request) throws Exception {
        int logged = gateway.accessLog().size();
        RawHttp.Reply reply = RawHttp.send(gateway.port(), request, 10_000);
        String line = gateway.accessLog(logged + 1).get(logged);
        int bodyBytes = Integer.parseInt(reply.header("Content-Length"));
        assertEquals(bodyBytes, reply.text().length() - reply.text().indexOf("\r\n\r\n") - 4, reply.text());
        assertTrue(line.contains("\"bytesOut\":" + bodyBytes + ","), line);
        return line;
    }
}
