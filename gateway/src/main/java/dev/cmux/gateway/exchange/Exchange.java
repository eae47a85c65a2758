package dev.cmux.gateway.exchange;

import dev.cmux.gateway.backend.BackendHandler;
import dev.cmux.gateway.backend.BackendListener;
import dev.cmux.gateway.error.ErrorResponse;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import dev.cmux.gateway.headers.RequestFraming;
import dev.cmux.gateway.headers.RequestRewrite;
import dev.cmux.gateway.log.AccessLog;
import dev.cmux.gateway.relay.UpgradeRelay;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.concurrent.TimeUnit;

/**
 * One request and its response, told in order: admit (framing, loops, client limit, route) → rewrite for the
 * backend → clear ({@link Clearance}: a dashboard's preflight, Access, an instance id) → connect ({@link BackendConnector}: resolve, pool, wake) → send the body ({@link RequestBody}) →
 * stream the response back ({@link ResponseStreamer}) or hand the connection to the relay → log. Where it is in
 * that story is its {@link Phase}; whatever goes wrong becomes a row of the error table ({@link Failures}) or, once
 * the client has seen response bytes, a cut connection. Lives on the client connection's event loop, as does the
 * backend connection it uses, so nothing here is shared between threads.
 */
final class Exchange implements BackendListener, BackendConnector.Outcome, Clearance.Outcome {

    private final ClientConnection client;
    private final DataPlane plane;
    private final RoutingSnapshot routing;
    private final HttpRequest request;
    private final boolean clientKeepAlive;
    private final boolean upgradeRequested;
    private final AccessLog.Entry log = new AccessLog.Entry();
    private final long startNanos = System.nanoTime();
    private final RequestBody body = new RequestBody();
    private final ResponseStreamer response;
    private final Runnable responseTimeout = this::onResponseTimeout; // run by the connection's clock
    private Phase phase = Phase.CONNECTING;
    private ClientLimits.Permit permit;
    private Target target;
    private BackendConnector connector;
    private Channel backend;
    private long requestSentNanos;

    /** Reads the settings in force now: a reload during this request does not change them under it. */
    Exchange(ClientConnection client, DataPlane plane, HttpRequest request) {
        this.client = client;
        this.plane = plane;
        this.routing = plane.routing();
        this.request = request;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.upgradeRequested = UpgradeRelay.isUpgradeRequest(request);
        this.response = new ResponseStreamer(this, routing, request, request.protocolVersion(), clientKeepAlive, log);
        log.begin(System.currentTimeMillis(), request.method().name(), request.uri(),
                request.headers().get(HttpHeaderNames.HOST),
                routing.forwardedHeaders().client(request.headers(), client.peer(routing.forwardedHeaders())));
    }

    void start() {
        try {
            RequestFraming.check(request);
        } catch (GatewayException e) {
            fail(e, true); // a request we cannot frame safely: its body (if any) cannot be skipped reliably either
            return;
        }
        Admission.Admitted admitted;
        try {
            admitted = Admission.admit(request, client, plane, routing, log);
        } catch (GatewayException e) {
            failed(e);
            return;
        }
        permit = admitted.permit();
        target = admitted.target();
        RequestRewrite.forBackend(request, upgradeRequested);
        Clearance.check(request, target, admitted.fromTrustedProxy(),
                closeAfterLocalAnswer(RequestBody.expected(request)), plane, routing, client.eventLoop(),
                client.channel().alloc(), this);
    }

    @Override
    public void cleared(Target found) {
        target = found;
        connect();
    }

    @Override
    public void answered(FullHttpResponse reply, boolean close) {
        send(reply, close);
    }

    private void connect() {
        boolean pageLoad = !upgradeRequested && ErrorResponse.wantsHtml(request)
                && (HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()));
        connector = new BackendConnector(plane, routing, target, client.eventLoop(), pageLoad, this);
        connector.start();
    }

    @Override
    public void connected(Channel channel) {
        backend = channel;
        if (target instanceof Target.Sandbox s && plane.traffic() != null) {
            plane.traffic().touch(s.vmid());
        }
        requestSentNanos = System.nanoTime();
        phase = Phase.AWAITING_RESPONSE;
        channel.pipeline().get(BackendHandler.class).attach(this);
        channel.config().setAutoRead(client.channel().isWritable());
        // a failed write reaches BackendHandler.exceptionCaught, and from there onBackendClosed
        channel.write(request, channel.voidPromise());
        startResponseTimeout();
        body.sendPending(channel);
        if (!client.reading()) {
            channel.flush(); // else at the end of the client's read batch (flushBackend)
        }
        client.updateReading();
    }

    @Override
    public void startingPage() {
        boolean close = closeAfterLocalAnswer(RequestBody.expected(request));
        answer(LocalReply.startingPage(client.channel().alloc(), (Target.Sandbox) target, close,
                retryAfterSeconds()), GatewayError.SANDBOX_STARTING, close);
    }

    @Override
    public void woken() {
        log.woken = true;
        plane.metrics().wokenRequest();
    }

    @Override
    public boolean over() {
        return phase == Phase.DONE;
    }

    void onClientContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            body.markReceived(); // the decoder discards whatever follows
            onMalformedBody(cause);
            return;
        }
        if (content instanceof LastHttpContent) {
            body.markReceived();
        }
        log.bytesIn += content.content().readableBytes();
        if (phase == Phase.DONE) {
            content.release();
        } else {
            body.add(content, backend);
        }
    }

    boolean upgradeRequested() {
        return upgradeRequested;
    }

    /** Known once the request was admitted. */
    Target target() {
        return target;
    }

    /** Client reads go on only while this request's body is still coming and the backend can take it. */
    boolean wantsClientBytes() {
        return !body.received() && phase != Phase.DONE && backend != null && backend.isWritable();
    }

    boolean requestReceived() {
        return body.received();
    }

    void flushBackend() {
        if (backend != null && phase != Phase.DONE) {
            backend.flush();
        }
    }

    void onClientWritabilityChanged() {
        if (backend != null && phase != Phase.DONE) {
            backend.config().setAutoRead(client.channel().isWritable());
        }
    }

    @Override
    public void onBackendMessage(Object msg) {
        response.onMessage(msg, client.channel(), backend);
    }

    /** A response head came: the backend answered in time. */
    void headArrived() {
        cancelResponseTimeout();
        if (phase != Phase.INFORMATIONAL) {
            plane.metrics().responseHead(System.nanoTime() - requestSentNanos);
        }
    }

    boolean draining() {
        return client.draining();
    }

    @Override
    public void onBackendReadComplete() {
        if (phase != Phase.DONE) {
            client.channel().flush();
        }
    }

    @Override
    public void onBackendWritabilityChanged() {
        client.updateReading();
    }

    Phase phase() {
        return phase;
    }

    void moveTo(Phase next) {
        phase = next;
    }

    /** The response went out whole: the backend connection goes back to the pool when it can carry another. */
    void responseComplete(boolean backendReusable, boolean closeClient) {
        phase = Phase.DONE;
        cancelResponseTimeout();
        Channel b = backend;
        b.pipeline().get(BackendHandler.class).detach();
        if (body.forwarded() && backendReusable) {
            plane.pool().release(b, connector.key());
        } else {
            b.close();
        }
        writeLog();
        // a response that ends before its request did leaves unread body bytes: the connection cannot go on
        client.exchangeFinished(closeClient || !body.received());
    }

    /** The backend agreed to the upgrade: from here on both connections are the relay's, byte for byte. */
    void switchProtocols(HttpResponse switchResponse) {
        phase = Phase.DONE;
        Channel b = backend;
        b.pipeline().get(BackendHandler.class).detach();
        ClientLimits.Permit held = permit;
        permit = null; // held by the relay until both sides close
        log.upstream = target.name();
        // counted for the operator page now, with its time to the 101: its access-log line waits for the close
        plane.recordTraffic(target, true, null, System.nanoTime() - startNanos);
        response.handOver(client.channel(), b, switchResponse, plane, held::release);
        client.upgraded();
    }

    /** A bad chunk: the backend must not get a request that another parser could finish differently. */
    private void onMalformedBody(Throwable cause) {
        if (phase == Phase.DONE) {
            return;
        }
        closeBackend(); // unflushed writes are dropped with it
        if (phase.answering()) {
            abortClient();
            return;
        }
        fail(RequestFraming.decoderFailure(cause), true);
    }

    @Override
    public void onBackendClosed(Throwable cause) {
        if (phase == Phase.DONE) {
            return;
        }
        closeBackend();
        cancelResponseTimeout();
        if (phase.answering()) {
            // headers already went out: a truncated body must not look complete, so the client connection goes
            log.error = GatewayError.BACKEND_RESET.code();
            abortClient();
            return;
        }
        GatewayException failure = Failures.closedBeforeResponse(connector.describe(), cause);
        if (failure.error() == GatewayError.BACKEND_RESET && connector.mayRetry(request.method(), body.bytesSent())) {
            phase = Phase.CONNECTING;
            connector.retry();
            return;
        }
        fail(failure, !body.received());
    }

    void backendBroke(String what) {
        onBackendClosed(new IllegalStateException(connector.describe() + " " + what));
    }

    private void startResponseTimeout() {
        client.clock().startResponseTimeout(routing.config().timeouts().responseHeaders().toNanos(), responseTimeout);
    }

    private void cancelResponseTimeout() {
        client.clock().stopResponseTimeout(responseTimeout);
    }

    private void onResponseTimeout() {
        if (phase != Phase.AWAITING_RESPONSE && phase != Phase.INFORMATIONAL) {
            return;
        }
        closeBackend();
        if (phase == Phase.INFORMATIONAL) {
            abortClient();
            return;
        }
        fail(Failures.responseTimeout(connector.describe(), routing.config().timeouts().responseHeaders()),
                !body.received());
    }

    /** Answers with {@code e}; the connection goes on unless a body it cannot skip was announced. */
    @Override
    public void failed(GatewayException e) {
        fail(e, RequestBody.expected(request));
    }

    /** Answers with an error of our own. {@code close} when the connection cannot carry another request. */
    private void fail(GatewayException e, boolean close) {
        boolean closeAfter = closeAfterLocalAnswer(close);
        answer(LocalReply.error(client.channel().alloc(), e, subject(), request, closeAfter, retryAfterSeconds()),
                e.error(), closeAfter);
    }

    private boolean closeAfterLocalAnswer(boolean close) {
        return close || !clientKeepAlive || client.draining();
    }

    private int retryAfterSeconds() {
        return (int) Math.max(1, routing.config().wake().retryAfter().toSeconds());
    }

    private void answer(FullHttpResponse reply, GatewayError error, boolean closeAfter) {
        log.error = error.code();
        send(reply, closeAfter);
    }

    /** A whole answer of our own, logged with its status. */
    private void send(FullHttpResponse reply, boolean closeAfter) {
        phase = Phase.DONE;
        cancelResponseTimeout();
        body.release();
        log.status = reply.status().code();
        log.bytesOut = reply.content().readableBytes(); // counted as a backend's body is: what the client is sent
        Channel out = client.channel();
        out.writeAndFlush(reply, out.voidPromise());
        writeLog();
        client.exchangeFinished(closeAfter);
    }

    private void abortClient() {
        phase = Phase.DONE;
        cancelResponseTimeout();
        body.release();
        writeLog();
        client.abort();
    }

    /** The client went away: stop everything this request started. */
    void onClientClosed() {
        if (phase == Phase.DONE) {
            return;
        }
        boolean responseStarted = phase == Phase.STREAMING;
        phase = Phase.DONE;
        cancelResponseTimeout();
        body.release();
        closeBackend();
        log.clientAborted = true;
        if (!responseStarted) {
            log.status = 499; // logged only, never sent: the client is gone (nginx's convention)
        }
        writeLog();
    }

    /** This exchange is done with its backend connection, which can carry nothing else: it closes. */
    private void closeBackend() {
        if (backend != null) {
            backend.pipeline().get(BackendHandler.class).detach();
            backend.close();
            backend = null;
        }
    }

    private void writeLog() {
        if (permit != null) {
            permit.release();
            permit = null;
        }
        log.upstream = target == null ? null : target.name();
        long nanos = System.nanoTime() - startNanos;
        log.durationMillis = TimeUnit.NANOSECONDS.toMillis(nanos);
        routing.accessLog().log(log);
        plane.recordTraffic(target, requestSentNanos != 0, log.error, nanos);
    }

    /** What the client asked for, in words: shown on error pages. */
    private String subject() {
        return target == null ? null : target.subject();
    }
}
