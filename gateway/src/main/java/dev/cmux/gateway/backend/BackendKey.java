package dev.cmux.gateway.backend;

import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;

/**
 * Which pooled connections may serve a request: same address, same TLS setting.
 *
 * @param tls     client TLS context for an https upstream, {@code null} for plain http
 * @param sniHost host name for SNI and certificate checks (https only)
 */
public record BackendKey(InetSocketAddress address, SslContext tls, String sniHost) {

    public static BackendKey plain(InetSocketAddress address) {
        return new BackendKey(address, null, null);
    }
}
