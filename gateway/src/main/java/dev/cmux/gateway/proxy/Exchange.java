package dev.cmux.gateway.proxy;

import dev.cmux.gateway.access.AccessDenied;
import dev.cmux.gateway.access.AccessGate;
import dev.cmux.gateway.error.ErrorResponse;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import dev.cmux.gateway.error.StartingPage;
import dev.cmux.gateway.log.AccessLog;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.relay.UpgradeRelay;
import dev.cmux.gateway.route.Route;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.FullHttpResponse;
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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response: route → resolve → connect → forward the request → stream the response back.
 * Lives on the client connection's event loop, as does the backend connection it uses, so nothing here is
 * shared between threads. Bodies are never aggregated: each chunk is passed on as it arrives, with reads paused
 * while the other side cannot take more.
 */
final class Exchange {

    private final ClientConnection client;
    private final ProxyServices services;
    private final HttpRequest request;
    private final HttpVersion clientVersion;
    private final boolean clientKeepAlive;
    private final boolean upgradeRequested;
    private final AccessLog.Entry log = new AccessLog.Entry();
    private final long startNanos = System.nanoTime();
    private ClientLimits.Permit permit;
    private long requestSentNanos;

    // request side
    private ArrayDeque<HttpContent> unsentBody; // body that came before the backend connection; made when it does
    private boolean requestReceived;
    private boolean requestForwarded;
    private long bodyBytesSent;

    // backend side
    private int vmid = -1;
    private int sandboxPort;
    private String upstreamName;
    private BackendKey key;
    private Channel backend;
    private boolean reusedConnection;
    private boolean retried;
    private final Runnable responseTimeout = this::onResponseTimeout; // run by the connection's clock
    private WakeWait wakeWait;

    // response side
    private boolean informational;
    private boolean switching;
    private HttpResponse switchResponse;
    private boolean responseStarted;
    private boolean flushEachChunk;
    private boolean backendReusable;
    private boolean closeClientAfter;
    private boolean done;

    Exchange(ClientConnection client, ProxyServices services, HttpRequest request) {
        this.client = client;
        this.services = services;
        this.request = request;
        this.clientVersion = request.protocolVersion();
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.upgradeRequested = UpgradeRelay.isUpgradeRequest(request);
        log.startMillis = System.currentTimeMillis();
        log.method = request.method().name();
        log.uri = request.uri();
        log.host = request.headers().get(HttpHeaderNames.HOST);
    }

    // ---- the story of a request ----------------------------------------------------------------------------

    void start() {
        try {
            RequestFraming.check(request);
        } catch (GatewayException e) {
            // a request we cannot frame safely: its body (if any) cannot be skipped reliably either
            failLocally(e, true);
            return;
        }
        if (LoopGuard.isLooping(request.headers())) {
            failLocally(new GatewayException(GatewayError.LOOP_DETECTED, "This request has passed through the gateway "
                    + LoopGuard.MAX_PASSES + " times already: a sandbox is forwarding to itself."), expectsBody());
            return;
        }
        ForwardedHeaders.Peer peer = client.peer(services.forwardedHeaders());
        log.client = services.forwardedHeaders().apply(request.headers(), peer, log.host, client.secure());
        permit = services.clientLimits().acquire(log.client);
        if (permit == null) {
            failLocally(new GatewayException(GatewayError.TOO_MANY_CONNECTIONS, "Client " + log.client + " has "
                    + services.config().limits().maxConnectionsPerClient() + " requests open already; try again when "
                    + "some have finished."), expectsBody());
            return;
        }
        Route route = services.router().route(log.host);
        if (route instanceof Route.NoRoute noRoute) {
            failLocally(new GatewayException(noRoute.error(), noRoute.reason()), expectsBody());
            return;
        }
        String exactHost = null;
        if (route instanceof Route.HostRoute hostRoute) {
            exactHost = hostRoute.host();
            upstreamName = hostRoute.upstream().upstream().getAuthority();
            key = services.upstreamKeys().keyFor(hostRoute);
        } else if (route instanceof Route.SandboxRoute sandbox) {
            vmid = sandbox.vmid();
            sandboxPort = sandbox.port();
            upstreamName = "vm-" + sandbox.vmid() + ":" + sandbox.port();
        }
        prepareRequestHead();
        AccessGate access = services.access();
        if (access == null) {
            proceed(route);
            return;
        }
        onDone(access.admit(request.headers(), peer.trusted(), exactHost, sandboxPort), admitted -> {
            try {
                admitted.join();
            } catch (CompletionException e) {
                failLocally(asGatewayException(e.getCause(), GatewayError.ACCESS_DENIED), expectsBody());
                return;
            }
            proceed(route);
        });
    }

    /** Admitted: on to the backend. A sandbox this gateway put to sleep is woken before anything is tried. */
    private void proceed(Route route) {
        if (!(route instanceof Route.SandboxRoute)) {
            connect();
        } else if (services.waker() != null && services.waker().knownAsleep(vmid)) {
            unreachable(null);
        } else {
            resolveSandbox();
        }
    }

    private void resolveSandbox() {
        onDone(services.resolver().resolve(vmid), this::onResolved);
    }

    private <T> void onDone(CompletableFuture<T> future, java.util.function.Consumer<CompletableFuture<T>> next) {
        OnLoop.whenDone(future, client.eventLoop(), () -> done, next);
    }

    private void onResolved(CompletableFuture<InetAddress> address) {
        if (done) {
            return;
        }
        InetAddress resolved;
        try {
            resolved = address.join();
        } catch (CompletionException e) {
            GatewayException failure = asGatewayException(e.getCause(), GatewayError.UNRESOLVED);
            if (failure.error() == GatewayError.UNRESOLVED) {
                unreachable(failure); // a stopped container has no address in PVE
            } else {
                failLocally(failure, expectsBody());
            }
            return;
        }
        key = BackendKey.plain(new InetSocketAddress(resolved, sandboxPort));
        connect();
    }

    private void connect() {
        Channel idle = retried ? null : services.pool().pollIdle(key);
        if (idle != null) {
            attach(idle, true);
            return;
        }
        long connectStart = System.nanoTime();
        ChannelFuture connecting = services.pool().connect(client.eventLoop(), key);
        connecting.addListener(f -> {
            if (done) {
                connecting.channel().close();
            } else if (f.isSuccess()) {
                services.metrics().connected(System.nanoTime() - connectStart);
                attach(connecting.channel(), false);
            } else {
                onConnectFailed(f.cause());
            }
        });
    }

    private void onConnectFailed(Throwable cause) {
        if (vmid >= 0) {
            // the sandbox may have a new address (restarted, re-cloned): look it up again next time
            services.resolver().invalidate(vmid);
        }
        String target = backendDescription();
        if (cause instanceof ConnectTimeoutException) {
            unreachable(new GatewayException(GatewayError.CONNECT_TIMEOUT,
                    target + " did not accept the connection in time.", cause));
        } else {
            unreachable(new GatewayException(GatewayError.CONNECT_FAILED,
                    target + " refused the connection: is anything listening on that port?", cause));
        }
    }

    /**
     * The backend did not answer with {@code failure} (null: not tried, its sandbox sleeps). A sandbox may be asleep:
     * {@link WakeWait} decides; anything else fails here.
     */
    private void unreachable(GatewayException failure) {
        if (vmid < 0 || services.waker() == null) {
            failLocally(failure, expectsBody());
            return;
        }
        if (wakeWait == null) {
            boolean browser = !upgradeRequested && ErrorResponse.wantsHtml(request)
                    && (HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()));
            wakeWait = new WakeWait(services.waker(), vmid, sandboxPort, browser, services.config().wake().timeout(),
                    client.eventLoop(), new WakeWait.Request() {
                        @Override
                        public void connectAgain() {
                            resolveSandbox();
                        }

                        @Override
                        public void fail(GatewayException e) {
                            failLocally(e, expectsBody());
                        }

                        @Override
                        public void answerStartingPage() {
                            Channel out = client.channel();
                            answerLocally(StartingPage.create(out.alloc(), vmid, sandboxPort, retryAfterSeconds(),
                                    closeAfterLocalAnswer(expectsBody())), GatewayError.SANDBOX_STARTING,
                                    closeAfterLocalAnswer(expectsBody()));
                        }

                        @Override
                        public void markWoken() {
                            log.woken = true;
                            services.metrics().wokenRequest();
                        }

                        @Override
                        public boolean finished() {
                            return done;
                        }
                    });
        }
        wakeWait.unreachable(failure);
    }

    private void attach(Channel channel, boolean reused) {
        backend = channel;
        if (vmid >= 0 && services.activity() != null) {
            services.activity().touch(vmid);
        }
        requestSentNanos = System.nanoTime();
        reusedConnection = reused;
        channel.pipeline().get(BackendHandler.class).attach(this);
        channel.config().setAutoRead(client.channel().isWritable());
        // a failed write reaches BackendHandler.exceptionCaught, and from there onBackendClosed
        channel.write(request, channel.voidPromise());
        startResponseTimeout();
        if (requestForwarded) {
            // a retry of a request that was sent whole before: its body was empty, resend the end marker
            channel.write(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        }
        HttpContent pending;
        while (unsentBody != null && (pending = unsentBody.poll()) != null) {
            forward(pending);
        }
        if (!client.reading()) {
            channel.flush(); // else at the end of the client's read batch (flushBackend)
        }
        client.updateReading();
    }

    /** The request as the backend sees it: origin-form target, HTTP/1.1, no hop-by-hop headers. */
    private void prepareRequestHead() {
        String upgrade = upgradeRequested ? request.headers().get(HttpHeaderNames.UPGRADE) : null;
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        HopByHopHeaders.remove(request.headers());
        if (chunked) {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
        if (upgrade != null) {
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            request.headers().set(HttpHeaderNames.UPGRADE, upgrade);
        }
        LoopGuard.mark(request.headers());
        request.setUri(RequestFraming.originForm(request.uri()));
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    // ---- request body, from the client ---------------------------------------------------------------------

    void onClientContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            requestReceived = true; // the decoder discards whatever follows
            onMalformedBody(cause);
            return;
        }
        if (content instanceof LastHttpContent) {
            requestReceived = true;
        }
        log.bytesIn += content.content().readableBytes();
        if (done) {
            content.release();
        } else if (backend == null) {
            if (unsentBody == null) {
                unsentBody = new ArrayDeque<>(4);
            }
            unsentBody.add(content);
        } else {
            forward(content);
        }
    }

    private void forward(HttpContent content) {
        bodyBytesSent += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            requestForwarded = true;
        }
        backend.write(content, backend.voidPromise());
    }

    /** Client reads go on only while this request's body is still coming and the backend can take it. */
    boolean upgradeRequested() {
        return upgradeRequested;
    }

    boolean wantsClientBytes() {
        return !requestReceived && !done && backend != null && backend.isWritable();
    }

    boolean requestReceived() {
        return requestReceived;
    }

    void flushBackend() {
        if (backend != null && !done) {
            backend.flush();
        }
    }

    void onBackendWritabilityChanged() {
        client.updateReading();
    }

    // ---- response, from the backend ------------------------------------------------------------------------

    void onBackendMessage(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            onBackendClosed(object.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpResponse response) {
            onResponseHead(response);
        }
        if (msg instanceof HttpContent content) {
            onResponseContent(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse response) {
        cancelResponseTimeout();
        int code = response.status().code();
        if (!informational) {
            services.metrics().responseHead(System.nanoTime() - requestSentNanos);
        }
        if (code == 101) {
            if (upgradeRequested && UpgradeRelay.agrees(request, response)) {
                switching = true;
                switchResponse = response;
            } else {
                protocolError("answered 101 Switching Protocols to a request that did not ask for it");
            }
            return;
        }
        if (code >= 100 && code < 200) {
            // 100 Continue, 103 Early Hints: pass on, then wait for the real response
            informational = true;
            HopByHopHeaders.remove(response.headers());
            client.channel().write(response, client.channel().voidPromise());
            return;
        }
        responseStarted = true;
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
        flushEachChunk = unknownLength || StreamingPolicy.isStream(response);
        if (!clientKeepAlive || closeClientAfter || client.draining()) {
            closeClientAfter = true;
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        Channel out = client.channel();
        out.write(response, out.voidPromise());
        if (flushEachChunk) {
            out.flush();
        }
    }

    private void onResponseContent(HttpContent content) {
        Channel out = client.channel();
        boolean last = content instanceof LastHttpContent;
        if (switching) {
            content.release();
            if (last) {
                switchProtocols();
            }
            return;
        }
        if (informational) {
            out.writeAndFlush(content, out.voidPromise());
            informational = !last;
            return;
        }
        if (!responseStarted) {
            content.release();
            protocolError("sent a body without a response head");
            return;
        }
        log.bytesOut += content.content().readableBytes();
        if (flushEachChunk || last) {
            out.writeAndFlush(content, out.voidPromise());
        } else {
            out.write(content, out.voidPromise());
        }
        if (last) {
            finish();
        } else if (!out.isWritable()) {
            backend.config().setAutoRead(false);
        }
    }

    void onBackendReadComplete() {
        if (!done) {
            client.channel().flush();
        }
    }

    void onClientWritabilityChanged() {
        if (backend != null && !done) {
            backend.config().setAutoRead(client.channel().isWritable());
        }
    }

    private void switchProtocols() {
        done = true;
        Channel b = backend;
        b.pipeline().get(BackendHandler.class).detach();
        log.status = 101;
        log.upstream = upstreamName;
        ClientLimits.Permit upgradedPermit = permit;
        permit = null; // held by the relay until both sides close
        GatewayMetrics metrics = services.metrics();
        metrics.upgradeOpened();
        Runnable onTraffic = vmid >= 0 && services.activity() != null ? services.activity().mark(vmid)::touch
                : () -> { };
        UpgradeRelay.switchProtocols(client.channel(), b, switchResponse, log, services.config().timeouts().upgradedIdle(),
                services.accessLog(), onTraffic, () -> {
                    upgradedPermit.release();
                    metrics.upgradeClosed();
                });
        client.upgraded();
    }

    private void finish() {
        done = true;
        cancelResponseTimeout();
        Channel b = backend;
        b.pipeline().get(BackendHandler.class).detach();
        if (requestForwarded && backendReusable) {
            services.pool().release(b, key);
        } else {
            b.close();
        }
        writeLog();
        // a response that ends before its request did leaves unread body bytes: the connection cannot go on
        client.exchangeFinished(closeClientAfter || !requestReceived);
    }

    // ---- failures ------------------------------------------------------------------------------------------

    /** A bad chunk: the backend must not get a request that another parser could finish differently. */
    private void onMalformedBody(Throwable cause) {
        if (done) {
            return;
        }
        closeBackend(); // unflushed writes are dropped with it
        if (responseStarted || informational || switching) {
            abortClient();
            return;
        }
        failLocally(RequestFraming.decoderFailure(cause), true);
    }

    void onBackendClosed(Throwable cause) {
        if (done) {
            return;
        }
        closeBackend();
        cancelResponseTimeout();
        if (responseStarted || informational || switching) {
            // headers already went out: a truncated body must not look complete, so the client connection goes
            log.error = GatewayError.BACKEND_RESET.code();
            abortClient();
            return;
        }
        if (isTlsFailure(cause)) {
            failLocally(new GatewayException(GatewayError.CONNECT_FAILED, "The TLS certificate of " + backendDescription()
                    + " was not accepted (check tlsCaFile or tlsFingerprint of its route).", cause), !requestReceived);
            return;
        }
        if (canRetry()) {
            retried = true;
            connect();
            return;
        }
        failLocally(new GatewayException(GatewayError.BACKEND_RESET,
                backendDescription() + " closed the connection before it answered.", cause), !requestReceived);
    }

    /** Only a reused connection that the backend had already closed, and only when nothing can be lost. */
    private boolean canRetry() {
        if (!reusedConnection || retried || bodyBytesSent > 0) {
            return false;
        }
        HttpMethod m = request.method();
        return HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
                || HttpMethod.PUT.equals(m) || HttpMethod.DELETE.equals(m);
    }

    private static boolean isTlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private void startResponseTimeout() {
        long nanos = services.config().timeouts().responseHeaders().toNanos();
        client.clock().startResponseTimeout(nanos, responseTimeout);
    }

    private void cancelResponseTimeout() {
        client.clock().stopResponseTimeout(responseTimeout);
    }

    private void onResponseTimeout() {
        if (done || responseStarted || switching) {
            return;
        }
        closeBackend();
        if (informational) {
            abortClient();
            return;
        }
        failLocally(new GatewayException(GatewayError.RESPONSE_TIMEOUT,
                backendDescription() + " did not answer within " + services.config().timeouts().responseHeaders()
                        .toSeconds() + " s."), !requestReceived);
    }

    private void protocolError(String what) {
        onBackendClosed(new IllegalStateException(backendDescription() + " " + what));
    }

    /** Answers with an error of our own. {@code close} when the connection cannot carry another request. */
    private void failLocally(GatewayException e, boolean close) {
        boolean closeAfter = closeAfterLocalAnswer(close);
        Channel out = client.channel();
        FullHttpResponse response = ErrorResponse.create(out.alloc(), e.error(), subject(), e.getMessage(),
                ErrorResponse.wantsHtml(request), closeAfter);
        if (e.error() == GatewayError.SANDBOX_STARTING || e.error() == GatewayError.WAKE_LIMITED) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds());
        }
        answerLocally(response, e.error(), closeAfter);
    }

    private boolean closeAfterLocalAnswer(boolean close) {
        return close || !clientKeepAlive || client.draining();
    }

    private int retryAfterSeconds() {
        return (int) Math.max(1, services.config().wake().retryAfter().toSeconds());
    }

    private void answerLocally(FullHttpResponse response, GatewayError error, boolean closeAfter) {
        done = true;
        cancelResponseTimeout();
        releaseUnsentBody();
        log.status = error.status().code();
        log.error = error.code();
        Channel out = client.channel();
        out.writeAndFlush(response, out.voidPromise());
        writeLog();
        client.exchangeFinished(closeAfter);
    }

    private void abortClient() {
        done = true;
        cancelResponseTimeout();
        releaseUnsentBody();
        writeLog();
        client.abort();
    }

    /** The client went away: stop everything this request started. */
    void onClientClosed() {
        if (done) {
            return;
        }
        done = true;
        cancelResponseTimeout();
        releaseUnsentBody();
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

    private void releaseUnsentBody() {
        HttpContent c;
        while (unsentBody != null && (c = unsentBody.poll()) != null) {
            c.release();
        }
    }

    private void writeLog() {
        if (permit != null) {
            permit.release();
            permit = null;
        }
        log.upstream = upstreamName;
        log.durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        services.accessLog().log(log);
    }

    private boolean expectsBody() {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /** What the client asked for, in words: shown on error pages. */
    private String subject() {
        return vmid >= 0 ? "sandbox vm-" + vmid + ", port " + sandboxPort : upstreamName;
    }

    private static GatewayException asGatewayException(Throwable cause, GatewayError fallback) {
        if (cause instanceof GatewayException ge) {
            return ge;
        }
        if (cause instanceof AccessDenied denied) {
            return new GatewayException(GatewayError.ACCESS_DENIED, denied.getMessage());
        }
        return new GatewayException(fallback, String.valueOf(cause.getMessage()), cause);
    }

    private String backendDescription() {
        if (vmid >= 0) {
            return services.resolver().backendName(vmid) + ":" + sandboxPort;
        }
        return upstreamName;
    }
}
