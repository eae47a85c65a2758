package dev.cmux.gateway.backend;

import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.route.Route;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.FingerprintTrustManagerFactory;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * The backend of each exact-host route, built once at start: address and, for https upstreams, a TLS context
 * that verifies what the operator chose — a CA file (with host name check), a pinned SHA-256 fingerprint, or,
 * only when {@code tlsInsecure} is set, nothing. With none of them set, the JDK's trusted CAs apply.
 */
public final class UpstreamKeys {

    private final Map<String, BackendKey> byHost;

    private UpstreamKeys(Map<String, BackendKey> byHost) {
        this.byHost = byHost;
    }

    public static UpstreamKeys build(Map<String, UpstreamRoute> hosts) throws SSLException {
        Map<String, BackendKey> keys = new HashMap<>();
        for (Map.Entry<String, UpstreamRoute> e : hosts.entrySet()) {
            UpstreamRoute upstream = e.getValue();
            SslContext tls = upstream.https() ? tlsContext(upstream) : null;
            keys.put(e.getKey(), new BackendKey(address(upstream), tls, upstream.https() ? upstream.host() : null));
        }
        return new UpstreamKeys(Map.copyOf(keys));
    }

    public BackendKey keyFor(Route.HostRoute route) {
        BackendKey key = byHost.get(route.host());
        if (key == null) {
            throw new IllegalStateException("no upstream built for " + route.host());
        }
        return key;
    }

    /** IP literals are used as they are; names are resolved when connecting, without blocking (DNS resolver group). */
    private static InetSocketAddress address(UpstreamRoute upstream) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(upstream.host());
        if (literal == null) {
            return InetSocketAddress.createUnresolved(upstream.host(), upstream.port());
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), upstream.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SslContext tlsContext(UpstreamRoute upstream) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (upstream.tlsInsecure()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else if (upstream.tlsFingerprint() != null) {
            // the pin names the one certificate we accept, whatever name it carries
            builder.trustManager(FingerprintTrustManagerFactory.builder("SHA-256")
                    .fingerprints(upstream.tlsFingerprint()).build()).endpointIdentificationAlgorithm(null);
        } else {
            if (upstream.tlsCaFile() != null) {
                builder.trustManager(upstream.tlsCaFile().toFile());
            }
            builder.endpointIdentificationAlgorithm("HTTPS");
        }
        return builder.build();
    }
}
