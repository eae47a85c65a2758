package dev.cmux.control.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sits right after the control server's HTTP codec ({@link ControlServer}'s tap) and holds every answer the server
 * writes, streamed ones whole, against the {@link OpenApiDocument}: what a test of the control API gets is what the
 * document allows, or {@link Log#violations()} says why not. It reads the messages and passes them on untouched.
 */
final class ContractTap extends ChannelDuplexHandler {

    static final OpenApiDocument DOCUMENT = OpenApiDocument.load();

    /** What the taps of one server saw: violations, and each operation answered with its status. */
    static final class Log {
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private final Set<String> answered = ConcurrentHashMap.newKeySet();

        List<String> violations() {
            return List.copyOf(violations);
        }

        /** The violations so far, forgotten: for a test that caused them on purpose. */
        List<String> drain() {
            List<String> seen = violations();
            violations.removeAll(seen);
            return seen;
        }

        /** {@code METHOD /template} of each documented operation that answered at least once. */
        Set<String> operationsAnswered() {
            return Set.copyOf(answered.stream().map(a -> a.substring(0, a.lastIndexOf(' '))).toList());
        }
    }

    private record Request(String method, String path) {
    }

    private final Log log;
    private final Queue<Request> requests = new ArrayDeque<>();
    private Request answering;
    private int status;
    private String contentType;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    ContractTap(Log log) {
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            requests.add(new Request(request.method().name(), new QueryStringDecoder(request.uri()).path()));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            answering = requests.poll();
            status = response.status().code();
            contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
            body.reset();
        }
        if (msg instanceof HttpContent content && answering != null) {
            ByteBuf bytes = content.content();
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.getBytes(bytes.readerIndex(), copy);
            body.writeBytes(copy);
            if (msg instanceof LastHttpContent) {
                check(answering, body.toString(StandardCharsets.UTF_8));
                answering = null;
            }
        }
        ctx.write(msg, promise);
    }

    /** Never throws: a failure here would swallow the answer it holds. */
    private void check(Request request, String text) {
        try {
            log.violations.addAll(DOCUMENT.violations(request.method(), request.path(), status, contentType, text));
        } catch (RuntimeException e) {
            log.violations.add(request.method() + " " + request.path() + ": the check failed: " + e);
        }
        Optional<String> op = DOCUMENT.operation(request.method(), request.path());
        op.ifPresent(o -> log.answered.add(o + " " + status));
    }
}
