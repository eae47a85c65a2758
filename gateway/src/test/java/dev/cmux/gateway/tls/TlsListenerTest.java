package dev.cmux.gateway.tls;

import dev.cmux.gateway.config.TlsConfig;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional HTTPS listener with the gateway's own CA: a client that trusts only that CA gets through. */
class TlsListenerTest {

    private static final int VMID = 310;

    @TempDir
    Path state;

    @Test
    void aClientTrustingOnlyTheGeneratedCaReachesTheSandboxOverHttps() throws Exception {
        try (MiniHttpServer backend = new MiniHttpServer((req, out) -> {
            byte[] proto = String.valueOf(req.header("x-forwarded-proto")).getBytes(StandardCharsets.US_ASCII);
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + proto.length);
            out.write(proto);
            return true;
        }); GatewayUnderTest gateway = start()) {
            Path ca = state.resolve("tls").resolve("ca.pem");
            assertTrue(Files.isRegularFile(ca), "the CA is exported for browsers");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    state.resolve("tls").resolve("ca-key.pem"))), "keys are 0600");
            RawHttp.Reply reply = https(gateway.server().tlsAddress().getPort(), host(backend.port(), VMID),
                    trustOnly(ca));
            assertEquals(200, reply.status(), reply.text());
            assertTrue(reply.text().endsWith("https"), "the backend is told the visitor used https: " + reply.text());
            SSLContext jvmDefault = SSLContext.getDefault();
            assertThrows(SSLHandshakeException.class, () -> https(gateway.server().tlsAddress().getPort(),
                    host(backend.port(), VMID), jvmDefault), "not trusted without the local CA");
        }
    }

    @Test
    void theCaIsMadeOnceAndKeptAcrossRestarts() throws Exception {
        try (GatewayUnderTest first = start()) {
            first.port();
        }
        byte[] ca = Files.readAllBytes(state.resolve("tls").resolve("ca.pem"));
        try (GatewayUnderTest second = start()) {
            second.port();
        }
        assertEquals(new String(ca, StandardCharsets.US_ASCII), Files.readString(state.resolve("tls").resolve("ca.pem")),
                "browsers that imported the CA keep trusting the gateway");
    }

    private GatewayUnderTest start() throws Exception {
        TlsConfig tls = new TlsConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(), state);
        return GatewayUnderTest.start(Transport.best(), c -> c.toBuilder().tls(tls).build(), VMID);
    }

    private static RawHttp.Reply https(int port, String sniHost, SSLContext context) throws Exception {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, sniHost, port, true)) {
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sniHost)));
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the sandbox host
            tls.setSSLParameters(params);
            tls.setSoTimeout(10_000);
            tls.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + sniHost + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = tls.getInputStream();
            return RawHttp.readAll(in);
        }
    }

    private static SSLContext trustOnly(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            store.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
