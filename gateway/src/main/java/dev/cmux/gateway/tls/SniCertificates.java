package dev.cmux.gateway.tls;

import dev.cmux.gateway.config.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;

/**
 * Which certificate answers which SNI host name on the TLS listener: each configured certificate for the DNS names
 * it carries, and for {@code *.<domain>} the local CA's wildcard when no configured certificate covers it. The
 * first certificate answers clients that send no SNI.
 */
public final class SniCertificates {

    private static final Logger LOG = Logger.getLogger("cmux-gateway");

    private SniCertificates() {
    }

    /** Reads or generates the certificates; blocking, at start-up. */
    public static Mapping<String, SslContext> load(TlsConfig tls, String domain) throws Exception {
        List<SslContext> contexts = new ArrayList<>();
        List<List<String>> names = new ArrayList<>();
        boolean wildcardCovered = false;
        for (TlsConfig.CertificateFiles files : tls.certificates()) {
            contexts.add(SslContextBuilder.forServer(files.certFile().toFile(), files.keyFile().toFile()).build());
            List<String> dns = dnsNames(LocalCa.readCertificate(files.certFile()));
            names.add(dns);
            wildcardCovered |= domain != null && dns.contains("*." + domain);
        }
        if (domain != null && !wildcardCovered) {
            LocalCa.Issued issued = LocalCa.wildcardFor(tls.stateDir(), domain);
            contexts.add(SslContextBuilder.forServer(issued.key(), issued.chain().toArray(X509Certificate[]::new))
                    .build());
            names.add(List.of("*." + domain, domain));
            LOG.info("TLS listener serves *." + domain + " with the local CA; import " + issued.caFile()
                    + " into browsers to trust it");
        }
        if (contexts.isEmpty()) {
            throw new IllegalArgumentException("tls: give certificates, or set domain for a generated one");
        }
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(contexts.get(0));
        for (int i = 0; i < contexts.size(); i++) {
            for (String name : names.get(i)) {
                mapping.add(name, contexts.get(i));
            }
        }
        return mapping.build();
    }

    private static List<String> dnsNames(X509Certificate cert) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    out.add(String.valueOf(san.get(1)).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return out;
    }
}
