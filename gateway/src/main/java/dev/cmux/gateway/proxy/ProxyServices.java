package dev.cmux.gateway.proxy;

import dev.cmux.gateway.access.AccessGate;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.AccessLog;
import dev.cmux.gateway.resolve.BackendResolver;
import dev.cmux.gateway.route.HostRouter;

/** What every exchange of one server shares; built once at start, immutable. {@code access} is null when off. */
record ProxyServices(GatewayConfig config, HostRouter router, BackendResolver resolver, BackendPool pool,
                     UpstreamKeys upstreamKeys, ForwardedHeaders forwardedHeaders, ClientLimits clientLimits,
                     AccessGate access, AccessLog accessLog) {
}
