package dev.cmux.gateway.headers;

import dev.cmux.gateway.config.EmbeddingConfig;
import dev.cmux.gateway.config.PortRange;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingHeadersTest {

    private static final String DASHBOARD = "https://cmux.example.com";
    private static final String OURS = "frame-ancestors 'self' " + DASHBOARD;
    private final EmbeddingHeaders embedding = EmbeddingHeaders.of(new EmbeddingConfig(List.of(DASHBOARD),
            List.of()));

    @Test
    void offByDefaultIsOneFlag() {
        assertSame(EmbeddingHeaders.OFF, EmbeddingHeaders.of(EmbeddingConfig.disabled()));
        assertFalse(EmbeddingHeaders.OFF.enabled());
        assertTrue(embedding.enabled());
    }

    @Test
    void theFourFrameBlockingHeadersAreRemovedOrRewrittenAndTheRestOfTheCspIsKept() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("X-Frame-Options", "DENY")
                .add("Content-Security-Policy", "default-src 'self'; Frame-Ancestors 'none';script-src 'self' "
                        + "'unsafe-inline'")
                .add("Cross-Origin-Resource-Policy", "same-origin")
                .add("Cross-Origin-Embedder-Policy", "require-corp")
                .add("Cross-Origin-Opener-Policy", "same-origin")
                .add("Content-Type", "text/html");
        embedding.rewrite(h, 39378, null);
        assertFalse(h.contains("X-Frame-Options"));
        assertEquals(List.of("default-src 'self'; " + OURS + "; script-src 'self' 'unsafe-inline'"),
                h.getAll("Content-Security-Policy"));
        assertEquals("cross-origin", h.get("Cross-Origin-Resource-Policy"));
        assertFalse(h.contains("Cross-Origin-Embedder-Policy"));
        assertFalse(h.contains("Cross-Origin-Opener-Policy"));
        assertEquals("text/html", h.get("Content-Type"));
    }

    @Test
    void xFrameOptionsAloneBecomesOurFrameAncestorsBesideThePolicyTheAppHad() {
        HttpHeaders h = new DefaultHttpHeaders().add("X-Frame-Options", "SAMEORIGIN")
                .add("Content-Security-Policy", "default-src 'self'");
        embedding.rewrite(h, 8080, null);
        assertEquals(List.of("default-src 'self'", OURS), h.getAll("Content-Security-Policy"));
        HttpHeaders only = new DefaultHttpHeaders().add("X-Frame-Options", "DENY");
        embedding.rewrite(only, 8080, null);
        assertEquals(List.of(OURS), only.getAll("Content-Security-Policy"), "other origins stay out");
    }

    @Test
    void aResponseThatRefusedNoFramingIsNotMadeToRefuseAny() {
        HttpHeaders h = new DefaultHttpHeaders().add("Content-Security-Policy", "default-src 'self'");
        embedding.rewrite(h, 5173, null);
        assertEquals(List.of("default-src 'self'"), h.getAll("Content-Security-Policy"));
        HttpHeaders none = new DefaultHttpHeaders();
        embedding.rewrite(none, 5173, null);
        assertFalse(none.contains("Content-Security-Policy"), "a preview VS Code frames stays frameable by it");
    }

    @Test
    void everyPolicyLineIsRewrittenAndARepeatedDirectiveIsSaidOnce() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Content-Security-Policy", "frame-ancestors 'none'; frame-ancestors https://evil.test")
                .add("Content-Security-Policy", "img-src *; frame-ancestors 'self'")
                .add("Content-Security-Policy-Report-Only", "frame-ancestors 'none'; report-uri /r");
        embedding.rewrite(h, 8080, null);
        assertEquals(List.of(OURS, "img-src *; " + OURS), h.getAll("Content-Security-Policy"));
        assertEquals(List.of(OURS + "; report-uri /r"), h.getAll("Content-Security-Policy-Report-Only"));
    }

    @Test
    void aDashboardOriginGetsTheGatewaysCorsInsteadOfTheSandboxesNeverTwice() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Access-Control-Allow-Origin", "*")
                .add("access-control-allow-origin", "https://other.test")
                .add("Access-Control-Allow-Credentials", "false")
                .add("Access-Control-Expose-Headers", "*")
                .add("Vary", "Accept-Encoding");
        embedding.rewrite(h, 39383, DASHBOARD);
        assertEquals(List.of(DASHBOARD), h.getAll("Access-Control-Allow-Origin"));
        assertEquals(List.of("true"), h.getAll("Access-Control-Allow-Credentials"));
        assertFalse(h.contains("Access-Control-Expose-Headers"));
        assertEquals(List.of("Accept-Encoding", "Origin"), h.getAll("Vary"));
    }

    @Test
    void anotherOriginKeepsTheSandboxesOwnCors() {
        HttpHeaders h = new DefaultHttpHeaders().add("Access-Control-Allow-Origin", "*").add("Vary", "origin");
        embedding.rewrite(h, 39383, "https://elsewhere.test");
        assertEquals(List.of("*"), h.getAll("Access-Control-Allow-Origin"));
        assertFalse(h.contains("Access-Control-Allow-Credentials"));
        assertEquals(List.of("origin"), h.getAll("Vary"), "Vary names Origin already");
    }

    @Test
    void portsOfTheirOwnGetTheirOriginsOrNoneAndTheOthersTheGeneralOnes() {
        String viewer = "https://vnc.example.com:8443";
        EmbeddingHeaders perPort = EmbeddingHeaders.of(new EmbeddingConfig(List.of(DASHBOARD), List.of(
                new EmbeddingConfig.PortOrigins(List.of(PortRange.parse("39380")), List.of(viewer)),
                new EmbeddingConfig.PortOrigins(List.of(PortRange.parse("5000-5999")), List.of()))));
        HttpHeaders vnc = new DefaultHttpHeaders().add("X-Frame-Options", "SAMEORIGIN");
        perPort.rewrite(vnc, 39380, DASHBOARD);
        assertEquals("frame-ancestors 'self' " + viewer, vnc.get("Content-Security-Policy"));
        assertFalse(vnc.contains("Access-Control-Allow-Origin"), "the dashboard is not this port's origin");
        HttpHeaders closed = new DefaultHttpHeaders().add("X-Frame-Options", "DENY");
        perPort.rewrite(closed, 5173, DASHBOARD);
        assertEquals("DENY", closed.get("X-Frame-Options"), "a port without origins is left as the sandbox said");
        assertFalse(closed.contains("Content-Security-Policy"));
        HttpHeaders other = new DefaultHttpHeaders().add("X-Frame-Options", "DENY");
        perPort.rewrite(other, 39378, DASHBOARD);
        assertEquals(OURS, other.get("Content-Security-Policy"));
        assertEquals(DASHBOARD, other.get("Access-Control-Allow-Origin"));
    }

    @Test
    void aPreflightFromADashboardOriginIsAnsweredWithWhatItAskedFor() {
        HttpRequest preflight = request(HttpMethod.OPTIONS, DASHBOARD, "PATCH", "content-type, x-cmux");
        FullHttpResponse answer = embedding.preflight(preflight, 39383, UnpooledByteBufAllocator.DEFAULT, false);
        try {
            assertEquals(204, answer.status().code());
            HttpHeaders h = answer.headers();
            assertEquals(DASHBOARD, h.get("Access-Control-Allow-Origin"));
            assertEquals("true", h.get("Access-Control-Allow-Credentials"));
            assertEquals("PATCH", h.get("Access-Control-Allow-Methods"));
            assertEquals("content-type, x-cmux", h.get("Access-Control-Allow-Headers"));
            assertEquals("600", h.get("Access-Control-Max-Age"));
            assertTrue(h.get("Vary").contains("Origin"));
            assertFalse(h.contains("Connection"));
        } finally {
            answer.release();
        }
    }

    @Test
    void whatIsNotADashboardPreflightGoesToTheSandbox() {
        assertNull(embedding.preflight(request(HttpMethod.OPTIONS, "https://elsewhere.test", "POST", null), 8080,
                UnpooledByteBufAllocator.DEFAULT, false));
        assertNull(embedding.preflight(request(HttpMethod.OPTIONS, DASHBOARD, null, null), 8080,
                UnpooledByteBufAllocator.DEFAULT, false), "a plain OPTIONS is the app's");
        assertNull(embedding.preflight(request(HttpMethod.GET, DASHBOARD, "POST", null), 8080,
                UnpooledByteBufAllocator.DEFAULT, false));
    }

    @Test
    void onlyTheFrameAncestorsDirectiveOfAPolicyChanges() {
        assertNull(EmbeddingHeaders.withFrameAncestors("default-src 'self'", OURS));
        assertEquals(OURS, EmbeddingHeaders.withFrameAncestors(" frame-ancestors  'none' ; ", OURS));
        assertEquals("upgrade-insecure-requests; " + OURS,
                EmbeddingHeaders.withFrameAncestors("upgrade-insecure-requests;frame-ancestors", OURS));
        assertNull(EmbeddingHeaders.withFrameAncestors("frame-ancestorsx 'none'", OURS), "another directive");
    }

    private static HttpRequest request(HttpMethod method, String origin, String requestMethod, String headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/sessions");
        r.headers().set("Origin", origin);
        if (requestMethod != null) {
            r.headers().set("Access-Control-Request-Method", requestMethod);
        }
        if (headers != null) {
            r.headers().set("Access-Control-Request-Headers", headers);
        }
        return r;
    }
}
