package dev.cmux.control.pve;

import javax.net.ssl.X509TrustManager;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Trusts exactly one server certificate: the leaf whose SHA-256 fingerprint was pinned ({@code AB:CD:…}, as
 * {@code pvenode cert info} prints it). This is how PVE's own API client pins a node's self-signed certificate.
 * The comparison runs in constant time.
 */
final class FingerprintTrustManager implements X509TrustManager {

    private final byte[] pinned;

    FingerprintTrustManager(String fingerprint) {
        this.pinned = parse(fingerprint);
    }

    static byte[] parse(String fingerprint) {
        String hex = fingerprint.replace(":", "").trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("tlsFingerprint must be a SHA-256 fingerprint, 32 hex bytes "
                    + "separated by colons (AB:CD:...)");
        }
        return HexFormat.of().parseHex(hex);
    }

    static byte[] sha256(X509Certificate certificate) throws CertificateEncodingException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("PVE presented no certificate");
        }
        if (!MessageDigest.isEqual(pinned, sha256(chain[0]))) {
            throw new CertificateException("PVE certificate does not match the pinned SHA-256 fingerprint "
                    + "(pvenode cert info shows the current one)");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
