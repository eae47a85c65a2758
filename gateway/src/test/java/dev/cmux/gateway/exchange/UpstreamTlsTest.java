package dev.cmux.gateway.exchange;

import dev.cmux.gateway.transport.Transport;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.testing.GatewayUnderTest;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exact-host route to an https upstream (the PVE web UI on 127.0.0.1:8006 has a self-signed certificate):
 * verified against a CA file, a pinned SHA-256 fingerprint, or not at all only when asked; never silently.
 */
class UpstreamTlsTest {

    private static final String HOST = "pve." + GatewayUnderTest.DOMAIN;

    private static X509Bundle ca;
    private static X509Bundle leaf;
    private static X509Bundle otherCa;
    private static HttpsServer upstream;

    @BeforeAll
    static void startUpstream() throws Exception {
        ca = new CertificateBuilder().subject("CN=Proxmox Virtual Environment test CA").setIsCertificateAuthority(true)
                .buildSelfSigned();
        otherCa = new CertificateBuilder().subject("CN=someone else").setIsCertificateAuthority(true).buildSelfSigned();
        leaf = new CertificateBuilder().subject("CN=pve").addSanIpAddress("127.0.0.1").addExtendedKeyUsageServerAuth()
                .buildIssuedBy(ca);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(leaf.toKeyManagerFactory().getKeyManagers(), null, null);
        upstream = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        upstream.setHttpsConfigurator(new HttpsConfigurator(tls));
        upstream.createContext("/", exchange -> {
            byte[] body = "pve web ui".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    private HttpResponse<String> get(UpstreamRoute route) throws Exception {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(Transport.best(),
                c -> c.toBuilder().hosts(Map.of(HOST, route)).build())) {
            return GatewayUnderTest.client().send(gateway.request(HOST, "/").build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static URI upstreamUri() {
        return URI.create("https://127.0.0.1:" + upstream.getAddress().getPort());
    }

    @Test
    void aCaFileVerifiesTheUpstreamAndItsAddress() throws Exception {
        Path caPem = ca.toTempRootCertPem().toPath();
        HttpResponse<String> r = get(new UpstreamRoute(upstreamUri(), caPem, null, false));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("pve web ui", r.body());
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        HttpResponse<String> r = get(new UpstreamRoute(upstreamUri(), otherCa.toTempRootCertPem().toPath(), null, false));
        assertRefused(r);
    }

    @Test
    void aPinnedFingerprintAcceptsExactlyThatCertificate() throws Exception {
        HttpResponse<String> r = get(new UpstreamRoute(upstreamUri(), null, fingerprint(leaf), false));
        assertEquals(200, r.statusCode(), r.body());
        assertRefused(get(new UpstreamRoute(upstreamUri(), null, fingerprint(otherCa), false)));
    }

    @Test
    void withoutAnySettingTheJvmsTrustedCasApplyAndASelfSignedUpstreamIsRefused() throws Exception {
        assertRefused(get(new UpstreamRoute(upstreamUri(), null, null, false)));
    }

    @Test
    void insecureOnlyWhenSaidSo() throws Exception {
        HttpResponse<String> r = get(new UpstreamRoute(upstreamUri(), null, null, true));
        assertEquals(200, r.statusCode(), r.body());
    }

    private static void assertRefused(HttpResponse<String> r) {
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("connect-failed", r.headers().firstValue("X-Gateway-Error").orElseThrow());
        assertTrue(r.body().contains("TLS"), r.body());
    }

    private static String fingerprint(X509Bundle bundle) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(bundle.getCertificate().getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha);
    }
}
