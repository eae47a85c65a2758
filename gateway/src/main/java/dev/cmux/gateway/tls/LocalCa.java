package dev.cmux.gateway.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A certificate authority of this gateway alone, and a wildcard certificate for {@code *.<domain>} it signs:
 * generated once (EC P-256, BouncyCastle) and kept in {@code <stateDir>/tls/}, so browsers that imported
 * {@code ca.pem} keep trusting the gateway across restarts. The leaf is renewed when the domain changes or it has
 * less than 30 days left. Keys are written 0600, atomically.
 */
public final class LocalCa {

    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    // what browsers accept for a leaf at most
    private static final Duration LEAF_LIFETIME = Duration.ofDays(397);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private LocalCa() {
    }

    /** The key and chain (leaf, CA) for {@code *.<domain>} and {@code <domain>}, made or reused. Blocking: at start-up. */
    public static Issued wildcardFor(Path stateDir, String domain) throws Exception {
        Path dir = stateDir.resolve("tls");
        Files.createDirectories(dir);
        Path caCert = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca-key.pem");
        if (!Files.exists(caCert) || !Files.exists(caKey)) {
            KeyPair pair = newKeyPair();
            X509Certificate ca = caCertificate(pair);
            writeAtomically(caKey, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()), true);
            writeAtomically(caCert, pem(ca), false);
        }
        X509Certificate ca = readCertificate(caCert);
        PrivateKey caPrivate = readKey(caKey);
        Path leafCert = dir.resolve("wildcard." + domain + ".pem");
        Path leafKey = dir.resolve("wildcard." + domain + "-key.pem");
        if (Files.exists(leafCert) && Files.exists(leafKey)) {
            X509Certificate leaf = readCertificate(leafCert);
            if (leaf.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))
                    && leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                return new Issued(readKey(leafKey), List.of(leaf, ca), caCert);
            }
        }
        KeyPair pair = newKeyPair();
        X509Certificate leaf = leafCertificate(pair, domain, ca, caPrivate);
        writeAtomically(leafKey, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()), true);
        writeAtomically(leafCert, pem(leaf) + pem(ca), false);
        return new Issued(pair.getPrivate(), List.of(leaf, ca), caCert);
    }

    /** @param caFile the CA certificate, to import into browsers */
    public record Issued(PrivateKey key, List<X509Certificate> chain, Path caFile) {
    }

    private static X509Certificate caCertificate(KeyPair pair) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=cmux-gateway local CA " + now.getEpochSecond() + ",O=cmux-gateway");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(CA_LIFETIME)), name, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(b, pair.getPrivate());
    }

    private static X509Certificate leafCertificate(KeyPair pair, String domain, X509Certificate ca, PrivateKey caKey)
            throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(LEAF_LIFETIME)), new X500Name("CN=*." + domain), pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "*." + domain), new GeneralName(GeneralName.dNSName, domain)}));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        return sign(b, caKey);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static KeyPair newKeyPair() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        return ec.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(128, new SecureRandom());
    }

    static X509Certificate readCertificate(Path file) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
            return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) parser.readObject());
        }
    }

    static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter convert = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return convert.getKeyPair(pair).getPrivate();
            }
            return convert.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    /** Temp file in the same directory (0600 from the start when secret), then an atomic rename. */
    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        try {
            Files.writeString(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
