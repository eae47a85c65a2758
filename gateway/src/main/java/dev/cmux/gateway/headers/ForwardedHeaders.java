package dev.cmux.gateway.headers;

import dev.cmux.gateway.config.Cidr;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.List;

/**
 * Sets {@code X-Forwarded-For/-Proto/-Host} for the backend. Incoming forwarding headers are believed only
 * from {@code trustedProxies} (cloudflared on loopback); from anyone else they are replaced, because any
 * sandbox on the bridge could otherwise claim to be anybody.
 *
 * <p>{@code X-Forwarded-For} carries exactly one address, the client as verified here: cloudflared appends
 * the visitor to whatever the visitor sent, so the rest of a chain is attacker-controlled (proxies.md §0.13).
 */
public final class ForwardedHeaders {

    static final AsciiString CF_CONNECTING_IP = AsciiString.cached("cf-connecting-ip");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    private static final AsciiString TRUE_CLIENT_IP = AsciiString.cached("true-client-ip");

    private final List<Cidr> trustedProxies;

    public ForwardedHeaders(List<Cidr> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    boolean trusts(InetAddress peer) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** The connection's peer as these rules see it: its address in text, and whether its headers are believed. */
    public record Peer(String ip, boolean trusted) {
    }

    /** Worked out once per connection (and again after a reload changed the trusted proxies). */
    public Peer peer(InetAddress address) {
        return new Peer(NetUtil.toAddressString(address), trusts(address));
    }

    /** Rewrites {@code headers} in place and returns the client address to log. */
    String apply(HttpHeaders headers, InetAddress peer, String publicHost) {
        Peer p = peer(peer);
        String client = client(headers, p);
        apply(headers, p, client, publicHost, false);
        return client;
    }

    /**
     * Who sent the request: the visitor a trusted proxy names, else the peer itself. Worked out for every request,
     * one refused before it is forwarded included, so that each access-log line has its source.
     */
    public String client(HttpHeaders headers, Peer peer) {
        return peer.trusted() ? clientFromTrustedHeaders(headers, peer.ip()) : peer.ip();
    }

    /**
     * Rewrites {@code headers} in place for the backend.
     *
     * @param client what {@link #client} said of these headers and this peer
     * @param secure the client connection itself is TLS (the gateway's own HTTPS listener)
     */
    public void apply(HttpHeaders headers, Peer peer, String client, String publicHost, boolean secure) {
        boolean trusted = peer.trusted();
        String ownProto = secure ? "https" : "http";
        String proto = trusted ? protoFromTrustedHeaders(headers, ownProto) : ownProto;
        String forwardedHost = trusted ? headers.get(X_FORWARDED_HOST) : null;
        if (!trusted) {
            headers.remove(CF_CONNECTING_IP);
            headers.remove(X_REAL_IP);
            headers.remove(TRUE_CLIENT_IP);
            headers.remove(FORWARDED);
        }
        headers.set(X_FORWARDED_FOR, client);
        headers.set(X_FORWARDED_PROTO, proto);
        if (forwardedHost == null || forwardedHost.isEmpty()) {
            forwardedHost = publicHost;
        }
        if (forwardedHost != null) {
            headers.set(X_FORWARDED_HOST, forwardedHost);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
    }

    private static String clientFromTrustedHeaders(HttpHeaders headers, String peerIp) {
        String cf = headers.get(CF_CONNECTING_IP);
        if (cf != null && NetUtil.isValidIpV4Address(cf.trim()) || cf != null && NetUtil.isValidIpV6Address(cf.trim())) {
            return cf.trim();
        }
        List<String> xff = headers.getAll(X_FORWARDED_FOR);
        if (!xff.isEmpty()) {
            String last = xff.get(xff.size() - 1);
            String candidate = last.substring(last.lastIndexOf(',') + 1).trim();
            if (NetUtil.isValidIpV4Address(candidate) || NetUtil.isValidIpV6Address(candidate)) {
                return candidate;
            }
        }
        return peerIp;
    }

    private static String protoFromTrustedHeaders(HttpHeaders headers, String ownProto) {
        List<String> values = headers.getAll(X_FORWARDED_PROTO);
        if (values.isEmpty()) {
            return ownProto;
        }
        String last = values.get(values.size() - 1);
        String proto = last.substring(last.lastIndexOf(',') + 1).trim();
        return "https".equalsIgnoreCase(proto) ? "https" : "http";
    }
}
