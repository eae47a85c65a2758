package dev.cmux.gateway.exchange;

import dev.cmux.gateway.access.AccessGate;
import dev.cmux.gateway.backend.UpstreamKeys;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.headers.EmbeddingHeaders;
import dev.cmux.gateway.headers.ForwardedHeaders;
import dev.cmux.gateway.log.AccessLog;
import dev.cmux.gateway.log.AccessLogSink;
import dev.cmux.gateway.route.HostRouter;

import javax.net.ssl.SSLException;

/**
 * The settings one request goes by, immutable: a reload makes a new snapshot and requests under way keep theirs.
 *
 * @param suffix the suffix of sandbox names in force (worked out from {@code routing.suffix})
 * @param access null when Cloudflare Access is off
 * @param waker  null without PVE or with {@code wake.enabled: false}
 * @param embedding what dashboard origins may do with sandbox responses; {@link EmbeddingHeaders#OFF} by default
 */
public record RoutingSnapshot(GatewayConfig config, String suffix, HostRouter router, UpstreamKeys upstreamKeys,
                              ForwardedHeaders forwardedHeaders, AccessGate access, AccessLog accessLog,
                              SandboxWake waker, EmbeddingHeaders embedding) {

    static RoutingSnapshot build(GatewayConfig config, String suffix, RoutingSnapshot previous, AccessLogSink sink,
                                 DataPlaneLinks links) throws SSLException {
        // the same Access settings keep the gate, and with it the team's keys fetched so far
        AccessGate access = previous != null && previous.config.access().equals(config.access()) ? previous.access
                : AccessGate.create(config.access());
        return new RoutingSnapshot(config, suffix, new HostRouter(config), UpstreamKeys.build(config.routing().hosts()),
                new ForwardedHeaders(config.trustedProxies()), access,
                new AccessLog(config.accessLog().enabled() ? sink : null, links.metrics()),
                config.wake().enabled() ? links.waker() : null, EmbeddingHeaders.of(config.embedding()));
    }
}
