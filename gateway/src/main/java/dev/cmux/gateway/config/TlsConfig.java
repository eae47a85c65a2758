package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional HTTPS listener, for LAN access without Cloudflare. Off when {@code listen} is not set.
 *
 * @param certificates PEM certificate chains with their keys (e.g. a Cloudflare Origin CA certificate); the one
 *                     whose names match the SNI host is used
 * @param stateDir     where a local CA and a wildcard certificate for {@code *.<domain>} are generated once, when
 *                     no certificate covers the domain (the CA, {@code tls/ca.pem}, is for browsers to import)
 */
public record TlsConfig(InetSocketAddress listen, List<CertificateFiles> certificates, Path stateDir) {

    public TlsConfig {
        certificates = List.copyOf(certificates);
    }

    public record CertificateFiles(Path certFile, Path keyFile) {
    }

    public static TlsConfig disabled() {
        return new TlsConfig(null, List.of(), Path.of("/var/lib/cmux-gateway"));
    }

    static TlsConfig read(ConfigSection s) {
        s.allowOnly("listen", "certificates", "stateDir");
        TlsConfig d = disabled();
        List<CertificateFiles> certificates = new ArrayList<>();
        for (ConfigSection c : s.sectionList("certificates")) {
            c.allowOnly("certFile", "keyFile");
            Path cert = c.value("certFile", Path::of, null);
            Path key = c.value("keyFile", Path::of, null);
            if (cert == null || key == null) {
                c.problem(cert == null ? "certFile" : "keyFile", "missing: a PEM file");
            } else {
                certificates.add(new CertificateFiles(cert, key));
            }
        }
        return new TlsConfig(s.value("listen", ConfigValues::listenAddress, d.listen()), certificates,
                s.value("stateDir", Path::of, d.stateDir()));
    }

    public boolean enabled() {
        return listen != null;
    }
}
