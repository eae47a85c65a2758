package dev.cmux.gateway.exchange;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayDeque;

/** A request's body on its way from the client to the backend; parts that come before the connection wait here. */
final class RequestBody {

    private ArrayDeque<HttpContent> unsent; // made when a part arrives before the backend connection does
    private boolean received;
    private boolean forwarded;
    private long bytesSent;

    /** Whether {@code request} announces a body: a refusal must then close, as the body cannot be skipped. */
    static boolean expected(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /** The client has sent all of it (or the decoder gave up on it and drops the rest). */
    boolean received() {
        return received;
    }

    void markReceived() {
        received = true;
    }

    /** Its end went to the backend: the backend connection is at a request boundary again. */
    boolean forwarded() {
        return forwarded;
    }

    long bytesSent() {
        return bytesSent;
    }

    /** A part from the client: written to {@code backend}, or kept until there is one ({@code null}). */
    void add(HttpContent part, Channel backend) {
        if (backend != null) {
            send(part, backend);
            return;
        }
        if (unsent == null) {
            unsent = new ArrayDeque<>(4);
        }
        unsent.add(part);
    }

    /** A new backend connection: what waited goes now; a retry of a request sent whole ends it again. */
    void sendPending(Channel backend) {
        if (forwarded) {
            backend.write(LastHttpContent.EMPTY_LAST_CONTENT, backend.voidPromise()); // a retry's body was empty
        }
        HttpContent part;
        while (unsent != null && (part = unsent.poll()) != null) {
            send(part, backend);
        }
    }

    void release() {
        HttpContent part;
        while (unsent != null && (part = unsent.poll()) != null) {
            part.release();
        }
    }

    private void send(HttpContent part, Channel backend) {
        bytesSent += part.content().readableBytes();
        if (part instanceof LastHttpContent) {
            forwarded = true;
        }
        backend.write(part, backend.voidPromise());
    }
}
