package dev.cmux.control.api;

import dev.cmux.control.sandbox.SandboxId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request and its answer. The request is copied off its buffer when it arrives, so a handler may finish on any
 * thread; every write hops onto the channel's event loop. The connection reads nothing more until the answer is
 * written, so pipelined requests are answered in order.
 */
public final class ApiExchange {

    private final ChannelHandlerContext ctx;
    private final HttpMethod method;
    private final String path;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final byte[] body;
    private final boolean keepAlive;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final ControlMetrics metrics;
    private Map<String, String> pathParams = Map.of();

    ApiExchange(ChannelHandlerContext ctx, FullHttpRequest request, ControlMetrics metrics) {
        this.ctx = ctx;
        this.metrics = metrics;
        this.method = request.method();
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        this.path = uri.path();
        this.query = uri.parameters();
        this.headers = request.headers().copy();
        this.body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    Map<String, String> pathParams() {
        return pathParams;
    }

    void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    public HttpMethod method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The {@code {vmid}} of the path, checked before PVE is asked anything: 400 {@code bad-vmid} otherwise. */
    public int vmid() {
        try {
            return SandboxId.parse(pathParam("vmid")).value();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("bad-vmid", e.getMessage() + ".", null);
        }
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String header(CharSequence name) {
        return headers.get(name);
    }

    public byte[] body() {
        return body;
    }

    /** The client's address. */
    public InetSocketAddress peer() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    /** A text answer already encoded, e.g. metrics. */
    public void respondText(HttpResponseStatus status, String contentType, byte[] bytes) {
        respondText(status, contentType, bytes, Map.of());
    }

    /** A text answer already encoded, with more headers (a page's security headers, a cookie, a redirect). */
    public void respondText(HttpResponseStatus status, String contentType, byte[] bytes,
                            Map<String, String> extraHeaders) {
        onLoop(() -> {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    ctx.alloc().buffer(bytes.length).writeBytes(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            extraHeaders.forEach((k, v) -> response.headers().set(k, v));
            finish(response);
        });
    }

    /** False once the client closed the connection: a streaming handler stops working for nobody. */
    public boolean clientConnected() {
        return ctx.channel().isActive();
    }

    /** A JSON answer. */
    public void respond(HttpResponseStatus status, Object json) {
        respond(status, json, Map.of());
    }

    public void respond(HttpResponseStatus status, Object json, Map<String, String> extraHeaders) {
        onLoop(() -> {
            FullHttpResponse response = ApiResponse.json(ctx.alloc(), status, json);
            extraHeaders.forEach((k, v) -> response.headers().set(k, v));
            finish(response);
        });
    }

    /** The error-table answer for {@code failure}. */
    public void fail(Throwable failure) {
        ApiError e = ApiErrors.from(failure);
        onLoop(() -> {
            FullHttpResponse response = ApiResponse.error(ctx.alloc(), e.status(), e.code(), e.getMessage(),
                    e.details());
            if (e.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            }
            if (e.retryAfterSeconds() > 0) {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds());
            }
            finish(response);
        });
    }

    private void finish(FullHttpResponse response) {
        if (!answered.compareAndSet(false, true)) {
            response.release();
            return;
        }
        metrics.response(response.status().code());
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response).addListener(f -> resumeReading());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void resumeReading() {
        ctx.channel().config().setAutoRead(true);
    }

    /** Starts a chunked {@code application/x-ndjson} answer; lines are flushed as they are written. */
    public NdjsonStream startNdjson() {
        if (!answered.compareAndSet(false, true)) {
            throw new IllegalStateException("already answered");
        }
        metrics.response(200);
        onLoop(() -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson")
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            HttpUtil.setKeepAlive(head, keepAlive);
            ctx.writeAndFlush(head);
        });
        return new NdjsonStream();
    }

    /** The lines of a streamed answer; call {@link #end()} once. */
    public final class NdjsonStream {
        public void write(Object json) {
            byte[] line = ApiResponse.bytes(json);
            onLoop(() -> {
                ByteBuf buf = ctx.alloc().buffer(line.length + 1).writeBytes(line).writeByte('\n');
                ctx.writeAndFlush(new DefaultHttpContent(buf));
            });
        }

        public void end() {
            onLoop(() -> {
                if (keepAlive) {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> resumeReading());
                } else {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                }
            });
        }
    }

    private void onLoop(Runnable write) {
        if (ctx.executor().inEventLoop()) {
            write.run();
        } else {
            ctx.executor().execute(write);
        }
    }
}
