package dev.cmux.gateway.exchange;

import dev.cmux.gateway.backend.BackendKey;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Finds one exchange its backend connection: a pooled one, or a new one to the target's address (a sandbox's is
 * looked up first). A sandbox that does not answer may sleep: {@link WakeWait} wakes it and the connector tries
 * again. A reused connection that the backend had closed is replaced once, when nothing of the request is lost.
 * Runs on the exchange's event loop; the result is {@link Outcome#connected} or {@link Outcome#failed}.
 */
final class BackendConnector implements WakeWait.Request {

    /** What the exchange hears from its connector. */
    interface Outcome {
        void connected(Channel backend);

        void failed(GatewayException e);

        /** A browser's page load met a sleeping sandbox: it gets the starting page instead of waiting. */
        void startingPage();

        /** The request met a sleeping sandbox (for the access log and the counters). */
        void woken();

        /** Answered or abandoned meanwhile: nothing more to do. */
        boolean over();
    }

    private final DataPlane plane;
    private final RoutingSnapshot routing;
    private final Target target;
    private final EventLoop loop;
    private final boolean pageLoad;
    private final Outcome outcome;
    private BackendKey key;
    private boolean reused;
    private boolean retried;
    private WakeWait wakeWait;

    /** @param pageLoad a browser's {@code GET}/{@code HEAD} for HTML, no upgrade: never kept waiting for a wake */
    BackendConnector(DataPlane plane, RoutingSnapshot routing, Target target, EventLoop loop, boolean pageLoad,
                     Outcome outcome) {
        this.plane = plane;
        this.routing = routing;
        this.target = target;
        this.loop = loop;
        this.pageLoad = pageLoad;
        this.outcome = outcome;
    }

    /** A sandbox this gateway knows asleep is woken before anything is tried. */
    void start() {
        if (target instanceof Target.Upstream upstream) {
            key = upstream.key();
            connect();
        } else if (routing.waker() != null && routing.waker().knownAsleep(sandbox().vmid())) {
            unreachable(null);
        } else {
            connectAgain();
        }
    }

    /** The key of the connection in use, for handing it back to the pool. */
    BackendKey key() {
        return key;
    }

    /** The backend in words, for error messages: {@code cmux-200.lan:8080}, or the upstream's authority. */
    String describe() {
        if (target instanceof Target.Sandbox s) {
            return plane.resolver().backendName(s.vmid()) + ":" + s.port();
        }
        return target.name();
    }

    /**
     * The connection closed before its answer. Only a reused one, the backend having closed it while it idled,
     * is replaced, once, and only when nothing can be lost: no body byte sent, a method safe to send again.
     */
    boolean mayRetry(HttpMethod method, long bodyBytesSent) {
        return reused && !retried && bodyBytesSent == 0 && (HttpMethod.GET.equals(method)
                || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method));
    }

    void retry() {
        retried = true;
        connect();
    }

    /** Resolve (sandboxes) and connect; also what a wake does when the sandbox may answer now. */
    @Override
    public void connectAgain() {
        if (target instanceof Target.Upstream) {
            connect();
            return;
        }
        onDone(plane.resolver().resolve(sandbox().vmid()), this::onResolved);
    }

    @Override
    public void resolveAgain() {
        plane.resolver().invalidate(sandbox().vmid());
        connectAgain();
    }

    private void onResolved(CompletableFuture<InetAddress> address) {
        if (outcome.over()) {
            return;
        }
        InetAddress resolved;
        try {
            resolved = address.join();
        } catch (CompletionException e) {
            GatewayException failure = Failures.of(e.getCause(), GatewayError.UNRESOLVED);
            if (failure.error() == GatewayError.UNRESOLVED) {
                unreachable(failure); // a stopped container has no address in PVE
            } else {
                outcome.failed(failure);
            }
            return;
        }
        key = BackendKey.plain(new InetSocketAddress(resolved, sandbox().port()));
        connect();
    }

    private void connect() {
        Channel idle = retried ? null : plane.pool().pollIdle(key);
        if (idle != null) {
            reused = true;
            outcome.connected(idle);
            return;
        }
        reused = false;
        long connectStart = System.nanoTime();
        ChannelFuture connecting = plane.pool().connect(loop, key);
        connecting.addListener(f -> {
            if (outcome.over()) {
                connecting.channel().close();
            } else if (f.isSuccess()) {
                plane.metrics().connected(System.nanoTime() - connectStart);
                outcome.connected(connecting.channel());
            } else {
                onConnectFailed(f.cause());
            }
        });
    }

    private void onConnectFailed(Throwable cause) {
        if (target instanceof Target.Sandbox s) {
            // the sandbox may have a new address (restarted, re-cloned): look it up again next time
            plane.resolver().invalidate(s.vmid());
        }
        unreachable(Failures.connectFailed(describe(), cause));
    }

    /** The backend did not answer with {@code failure} (null: not tried, its sandbox sleeps); it may be asleep. */
    private void unreachable(GatewayException failure) {
        if (!(target instanceof Target.Sandbox s) || routing.waker() == null) {
            outcome.failed(failure);
            return;
        }
        if (wakeWait == null) {
            wakeWait = new WakeWait(routing, s, pageLoad, loop, this);
        }
        wakeWait.unreachable(failure);
    }

    private Target.Sandbox sandbox() {
        return (Target.Sandbox) target;
    }

    private <T> void onDone(CompletableFuture<T> future, Consumer<CompletableFuture<T>> next) {
        OnLoop.whenDone(future, loop, outcome::over, next);
    }

    // ---- what a wake needs -------------------------------------------------------------------------------

    @Override
    public void fail(GatewayException e) {
        outcome.failed(e);
    }

    @Override
    public void answerStartingPage() {
        outcome.startingPage();
    }

    @Override
    public void markWoken() {
        outcome.woken();
    }

    @Override
    public boolean finished() {
        return outcome.over();
    }
}
