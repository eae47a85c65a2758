package dev.cmux.gateway.proxy;

import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.AccessLogSink;

import java.net.InetSocketAddress;

/** The data plane listener. (Skeleton: the implementation lands with the proxy core.) */
public final class GatewayServer implements AutoCloseable {

    private GatewayServer() {
    }

    /** Binds {@code config.listen()} (port 0 picks a free port) and returns once bound. */
    public static GatewayServer start(GatewayConfig config, Transport transport, AccessLogSink accessLog)
            throws InterruptedException {
        throw new IllegalStateException("proxy core not built yet");
    }

    /** The bound address. */
    public InetSocketAddress address() {
        throw new IllegalStateException("proxy core not built yet");
    }

    /** Stops accepting, lets in-flight requests finish within {@code timeouts.shutdownGrace}, then closes. */
    @Override
    public void close() {
    }
}
