package dev.cmux.gateway.exchange;

import dev.cmux.gateway.headers.HopByHopHeaders;
import dev.cmux.gateway.headers.SandboxCookies;
import dev.cmux.gateway.log.AccessLog;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.relay.UpgradeRelay;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The response on its way back to the client (Caddy's {@code streaming.go}): a 1xx is passed on, a 101 is held
 * until its end so the relay can take over, the final head is made fit for this client, and the body is streamed
 * under one flush policy: once per read batch, or at once per part for streams (SSE, NDJSON, JSON lines) and
 * bodies of unknown length. Lives on the exchange's event loop.
 */
final class ResponseStreamer {

    /** Streams a reader waits on part by part: never held until the end of a read batch. */
    private static final String[] STREAM_TYPES = {
        "text/event-stream", "application/x-ndjson", "application/jsonlines", "application/json-seq",
        "application/stream+json",
    };

    private static final Runnable NO_TRAFFIC_RECORD = () -> { };

    private final Exchange exchange;
    private final RoutingSnapshot routing;
    private final HttpRequest request;
    private final HttpVersion clientVersion;
    private final boolean clientKeepAlive;
    private final AccessLog.Entry log;
    private HttpResponse switchResponse;
    private boolean flushEachPart;
    private boolean backendReusable;
    private boolean closeClientAfter;

    /** @param request as the client sent it ({@code clientVersion}, {@code clientKeepAlive} read before rewriting) */
    ResponseStreamer(Exchange exchange, RoutingSnapshot routing, HttpRequest request, HttpVersion clientVersion,
                     boolean clientKeepAlive, AccessLog.Entry log) {
        this.exchange = exchange;
        this.routing = routing;
        this.request = request;
        this.clientVersion = clientVersion;
        this.clientKeepAlive = clientKeepAlive;
        this.log = log;
    }

    static boolean isStream(HttpResponse response) {
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        for (String streamType : STREAM_TYPES) {
            if (type.regionMatches(true, 0, streamType, 0, streamType.length())) {
                return true;
            }
        }
        return false;
    }

    /** What the backend said: a head, a body part, or a decoder failure (taken as the connection's end). */
    void onMessage(Object msg, Channel out, Channel backend) {
        if (exchange.over()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            exchange.onBackendClosed(object.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpResponse head) {
            exchange.headArrived();
            onHead(head, out);
        }
        if (msg instanceof HttpContent content) {
            if (exchange.over()) {
                content.release(); // the head was refused
            } else {
                onContent(content, exchange.phase(), out, backend);
            }
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse response, Channel out) {
        if (exchange.target() instanceof Target.Sandbox sandbox) {
            // every head: a cookie set by a 1xx or a 101 reaches the browser as well
            SandboxCookies.confine(response.headers(), routing.config().routing().sharesCookies(sandbox.port()));
        }
        int code = response.status().code();
        if (code == 101) {
            if (exchange.upgradeRequested() && UpgradeRelay.agrees(request, response)) {
                switchResponse = response;
                exchange.moveTo(Phase.SWITCHING);
            } else {
                exchange.backendBroke("answered 101 Switching Protocols to a request that did not ask for it");
            }
            return;
        }
        if (code >= 100 && code < 200) {
            // 100 Continue, 103 Early Hints: pass on, then wait for the real response
            exchange.moveTo(Phase.INFORMATIONAL);
            HopByHopHeaders.remove(response.headers());
            out.write(response, out.voidPromise());
            return;
        }
        exchange.moveTo(Phase.STREAMING);
        if (routing.embedding().enabled() && exchange.target() instanceof Target.Sandbox sandbox) {
            routing.embedding().rewrite(response.headers(), sandbox.port(),
                    request.headers().get(HttpHeaderNames.ORIGIN));
        }
        log.status = code;
        backendReusable = HttpUtil.isKeepAlive(response);
        boolean hasLength = response.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean bodyless = HttpMethod.HEAD.equals(request.method()) || code == 204 || code == 304;
        HopByHopHeaders.remove(response.headers());
        boolean unknownLength = !bodyless && !hasLength;
        if (unknownLength) {
            if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
                closeClientAfter = true; // an HTTP/1.0 client reads until the connection closes
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
        flushEachPart = unknownLength || isStream(response);
        if (!clientKeepAlive || closeClientAfter || exchange.draining()) {
            closeClientAfter = true;
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        out.write(response, out.voidPromise());
        if (flushEachPart) {
            out.flush();
        }
    }

    private void onContent(HttpContent content, Phase phase, Channel out, Channel backend) {
        boolean last = content instanceof LastHttpContent;
        switch (phase) {
            case SWITCHING -> {
                content.release();
                if (last) {
                    exchange.switchProtocols(switchResponse);
                }
            }
            case INFORMATIONAL -> {
                out.writeAndFlush(content, out.voidPromise());
                if (last) {
                    exchange.moveTo(Phase.AWAITING_RESPONSE);
                }
            }
            case STREAMING -> {
                log.bytesOut += content.content().readableBytes();
                if (flushEachPart || last) {
                    out.writeAndFlush(content, out.voidPromise());
                } else {
                    out.write(content, out.voidPromise());
                }
                if (last) {
                    exchange.responseComplete(backendReusable, closeClientAfter);
                } else if (!out.isWritable()) {
                    backend.config().setAutoRead(false); // on again at the client's writability change
                }
            }
            default -> {
                content.release();
                exchange.backendBroke("sent a body without a response head");
            }
        }
    }

    /**
     * Hands both connections to the relay after the 101: the client's permit and the upgrade gauge stay taken, and
     * each read marks a sandbox busy for the idle policy, until both sides have closed.
     */
    void handOver(Channel client, Channel backend, HttpResponse switchResponse, DataPlane plane,
                  Runnable releasePermit) {
        log.status = 101;
        GatewayMetrics metrics = plane.metrics();
        boolean sandbox = exchange.target() instanceof Target.Sandbox && plane.traffic() != null;
        int vmid = sandbox ? ((Target.Sandbox) exchange.target()).vmid() : 0;
        Runnable onTraffic = sandbox ? plane.traffic().marker(vmid) : NO_TRAFFIC_RECORD;
        Runnable closedForSandbox = sandbox ? plane.traffic().upgraded(vmid) : NO_TRAFFIC_RECORD;
        metrics.upgradeOpened();
        UpgradeRelay.switchProtocols(client, backend, switchResponse, log, routing.config().timeouts().upgradedIdle(),
                routing.accessLog(), onTraffic, () -> {
                    releasePermit.run();
                    metrics.upgradeClosed();
                    closedForSandbox.run();
                });
    }
}
