package dev.cmux.gateway.exchange;

import dev.cmux.gateway.error.GatewayException;
import dev.cmux.gateway.headers.ForwardedHeaders;
import dev.cmux.gateway.headers.LoopGuard;
import dev.cmux.gateway.log.AccessLog;
import dev.cmux.gateway.route.Route;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The checks a well-framed request passes before it may go anywhere, in order: it is not looping through us, who
 * its client is (forwarding headers, trusted only from {@code trustedProxies}), that client's limit of open
 * requests, and its route. Cloudflare Access, which may have to fetch keys, comes after, in the exchange.
 */
final class Admission {

    /**
     * @param permit           the client's place among its open requests; released when the exchange ends
     * @param fromTrustedProxy the peer is a trusted proxy (cloudflared): Access may take its word
     */
    record Admitted(Target target, ClientLimits.Permit permit, boolean fromTrustedProxy) {
    }

    private Admission() {
    }

    /**
     * Sets the forwarding headers of {@code request} on the way, for the client that {@code log} names.
     *
     * @throws GatewayException the row of the error table that refuses it
     */
    static Admitted admit(HttpRequest request, ClientConnection client, DataPlane plane, RoutingSnapshot routing,
                          AccessLog.Entry log) {
        if (LoopGuard.isLooping(request.headers())) {
            throw Failures.looping();
        }
        ForwardedHeaders.Peer peer = client.peer(routing.forwardedHeaders());
        routing.forwardedHeaders().apply(request.headers(), peer, log.client, log.host, client.secure());
        ClientLimits.Permit permit = plane.clientLimits().acquire(log.client);
        if (permit == null) {
            throw Failures.tooManyRequests(log.client, plane.clientLimits().perClient());
        }
        Route route = routing.router().route(log.host);
        if (route instanceof Route.SandboxRoute sandbox) {
            return new Admitted(new Target.Sandbox(sandbox.vmid(), sandbox.port()), permit, peer.trusted());
        }
        if (route instanceof Route.InstanceRoute named) {
            return new Admitted(new Target.Named(named.instanceId(), named.port()), permit, peer.trusted());
        }
        if (route instanceof Route.HostRoute host) {
            return new Admitted(new Target.Upstream(host.host(), routing.upstreamKeys().keyFor(host),
                    host.upstream().upstream().getAuthority()), permit, peer.trusted());
        }
        permit.release();
        Route.NoRoute none = (Route.NoRoute) route;
        throw new GatewayException(none.error(), none.reason());
    }
}
