package dev.cmux.gateway.exchange;

import dev.cmux.gateway.access.AccessGate;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

import java.util.concurrent.CompletionException;

/**
 * What an admitted request must get past before a backend is sought, in order: a dashboard origin's CORS preflight
 * is answered here ({@code embedding}); Cloudflare Access; the sandbox an instance id names ({@link InstanceLookup}).
 * Access comes before the name, so a client without a token learns nothing of which names exist, nor makes PVE
 * asked. Runs on the exchange's event loop; the result is one call of {@link Outcome}.
 */
final class Clearance {

    /** What the exchange hears. */
    interface Outcome {
        /** Go on to {@code target}: the admitted one, or the sandbox its instance id names. */
        void cleared(Target target);

        /** Answered without a backend (a preflight). */
        void answered(FullHttpResponse reply, boolean close);

        void failed(GatewayException e);

        boolean over();
    }

    private Clearance() {
    }

    /**
     * @param closeAfter a local answer ends the client connection (an unskippable body, or the client asked)
     */
    static void check(HttpRequest request, Target target, boolean fromTrustedProxy, boolean closeAfter,
                      DataPlane plane, RoutingSnapshot routing, EventLoop loop, ByteBufAllocator alloc,
                      Outcome outcome) {
        if (routing.embedding().enabled() && target.sandboxPort() != 0) {
            // browsers send no credentials with a preflight, and the answer says nothing of the sandbox
            FullHttpResponse preflight = routing.embedding().preflight(request, target.sandboxPort(), alloc,
                    closeAfter);
            if (preflight != null) {
                outcome.answered(preflight, closeAfter);
                return;
            }
        }
        AccessGate access = routing.access();
        if (access == null) {
            named(target, plane, routing, loop, outcome);
            return;
        }
        String exactHost = target instanceof Target.Upstream u ? u.host() : null;
        OnLoop.whenDone(access.admit(request.headers(), fromTrustedProxy, exactHost, target.sandboxPort()), loop,
                outcome::over, checked -> {
                    try {
                        checked.join();
                    } catch (CompletionException e) {
                        outcome.failed(Failures.of(e.getCause(), GatewayError.ACCESS_DENIED));
                        return;
                    }
                    named(target, plane, routing, loop, outcome);
                });
    }

    private static void named(Target target, DataPlane plane, RoutingSnapshot routing, EventLoop loop,
                              Outcome outcome) {
        if (target instanceof Target.Named named) {
            InstanceLookup.find(plane.names(), routing.router(), named, loop, outcome::over, outcome::cleared,
                    outcome::failed);
        } else {
            outcome.cleared(target);
        }
    }
}
