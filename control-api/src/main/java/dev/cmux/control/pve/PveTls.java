package dev.cmux.control.pve;

import dev.cmux.control.config.PveConfig;
import okhttp3.OkHttpClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * How the PVE client trusts the API's certificate, in order: a pinned SHA-256 fingerprint (host name not checked:
 * the pin names the certificate), a CA file such as {@code /etc/pve/pve-root-ca.pem} (host name checked), the JVM's
 * trust store; and no verification only when {@code verifyTls=false} was set explicitly.
 */
final class PveTls {

    private PveTls() {
    }

    static void apply(PveConfig config, OkHttpClient.Builder builder) {
        try {
            if (config.tlsFingerprint() != null && !config.tlsFingerprint().isBlank()) {
                install(builder, new FingerprintTrustManager(config.tlsFingerprint()));
                builder.hostnameVerifier((host, session) -> true);
            } else if (config.caFile() != null) {
                install(builder, caTrust(config.caFile()));
            } else if (!config.verifyTls()) {
                install(builder, new TrustEverything());
                builder.hostnameVerifier((host, session) -> true);
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS for the PVE API: " + e.getMessage(), e);
        }
    }

    private static void install(OkHttpClient.Builder builder, X509TrustManager trust) throws GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trust}, null);
        builder.sslSocketFactory(tls.getSocketFactory(), trust);
    }

    static X509TrustManager caTrust(Path caFile) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in " + caFile);
            }
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("pve-ca-" + i++, c);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager for " + caFile);
    }

    /** Only for {@code verifyTls=false}, which an operator has to ask for. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
