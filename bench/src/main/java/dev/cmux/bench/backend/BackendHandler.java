package dev.cmux.bench.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Answers GETs with a fixed body and echoes every WebSocket data frame as it came. */
final class BackendHandler extends SimpleChannelInboundHandler<Object> {

    private final FixedResponses responses;

    BackendHandler(FixedResponses responses) {
        this.responses = responses;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            ctx.writeAndFlush(frame.retain());
        } else if (msg instanceof FullHttpRequest request) {
            answer(ctx, request);
        }
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        ByteBuf body = responses.body(request.uri());
        FullHttpResponse response = body == null
                ? new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_FOUND,
                        Unpooled.EMPTY_BUFFER)
                : new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
