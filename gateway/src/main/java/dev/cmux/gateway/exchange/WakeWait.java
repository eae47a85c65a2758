package dev.cmux.gateway.exchange;

import dev.cmux.control.sandbox.UnreachableSandboxException;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A request whose sandbox did not answer and may be asleep (README "Wake and idle"). It asks the waker whether the
 * sandbox sleeps; if so the sandbox is woken (once for all requests), a browser gets the starting page at once, and
 * any other request waits for the wake and then retries its connection until the sandbox's port opens or
 * {@code wake.timeout} has passed. A sandbox that runs, or a container that is not a sandbox, keeps the original
 * failure. Lives on the exchange's event loop.
 */
final class WakeWait {

    /** What the waiting exchange can do. */
    interface Request {
        /** Resolve and connect again. */
        void connectAgain();

        /** Forget the sandbox's address, then resolve and connect again. */
        void resolveAgain();

        void fail(GatewayException e);

        void answerStartingPage();

        /** The request met a sleeping sandbox (for the access log and the counters). */
        void markWoken();

        /** Answered or abandoned meanwhile: nothing more to do. */
        boolean finished();
    }

    /**
     * How often a woken sandbox's port is tried again: a refused connect costs the guest one SYN and one RST, and
     * each period is time a visitor may wait after the service is up.
     */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final SandboxWake waker;
    private final Duration timeout;
    private final Target.Sandbox sandbox;
    private final boolean browser;
    private final EventLoop loop;
    private final Request request;
    private long deadline;
    private boolean askedAgain;

    /**
     * @param routing the request's settings, with a waker
     * @param browser a page load ({@code GET}/{@code HEAD} accepting HTML, no upgrade): it never waits
     */
    WakeWait(RoutingSnapshot routing, Target.Sandbox sandbox, boolean browser, EventLoop loop, Request request) {
        this.waker = routing.waker();
        this.timeout = routing.config().wake().timeout();
        this.sandbox = sandbox;
        this.browser = browser;
        this.loop = loop;
        this.request = request;
    }

    /** The sandbox did not answer with {@code failure} (null: this gateway put it to sleep, nothing was tried). */
    void unreachable(GatewayException failure) {
        if (deadline == 0) {
            onDone(waker.check(sandbox.vmid()), checked -> onChecked(checked, failure));
        } else {
            portNotOpenYet(failure);
        }
    }

    private void onChecked(CompletableFuture<SandboxWake.State> checked, GatewayException failure) {
        SandboxWake.State state;
        try {
            state = checked.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnreachableSandboxException unreachable) {
                // PVE says why: its node cannot be reached, which says more than a refused connection
                request.fail(new GatewayException(GatewayError.UNRESOLVED, unreachable.getMessage()));
                return;
            }
            // PVE cannot say: what the request met is the better answer
            request.fail(failure != null ? failure : Failures.wakeFailed(sandbox.vmid(), e.getCause()));
            return;
        }
        switch (state) {
            case RUNNING, NOT_SANDBOX -> {
                if (failure == null) {
                    request.connectAgain();
                } else if (state == SandboxWake.State.RUNNING && !askedAgain
                        && (failure.error() == GatewayError.CONNECT_FAILED
                        || failure.error() == GatewayError.UNRESOLVED)) {
                    // it runs, and what was known of its address failed: it may have moved (a migration to another
                    // node, a restart) since it was resolved. Asked again where it is now, once.
                    askedAgain = true;
                    request.resolveAgain();
                } else {
                    request.fail(failure);
                }
            }
            case ASLEEP, WAKING -> startWaiting();
        }
    }

    private void startWaiting() {
        deadline = System.nanoTime() + timeout.toNanos();
        request.markWoken();
        CompletableFuture<Void> wake = waker.wake(sandbox.vmid());
        if (browser && !wake.isDone()) {
            request.answerStartingPage();
            return;
        }
        onDone(wake, this::onWoken);
    }

    private void onWoken(CompletableFuture<Void> wake) {
        try {
            wake.join();
        } catch (CompletionException e) {
            request.fail(Failures.wakeFailed(sandbox.vmid(), e.getCause()));
            return;
        }
        request.connectAgain();
    }

    /** Woken, but the port is not open yet (the container runs, its services still start). */
    private void portNotOpenYet(GatewayException failure) {
        if (browser) {
            request.answerStartingPage();
            return;
        }
        if (System.nanoTime() + RETRY_NANOS > deadline) {
            request.fail(Failures.portNotOpened(sandbox.vmid(), sandbox.port(), timeout, failure));
            return;
        }
        loop.schedule(() -> {
            if (!request.finished()) {
                request.connectAgain();
            }
        }, RETRY_NANOS, TimeUnit.NANOSECONDS);
    }

    private <T> void onDone(CompletableFuture<T> future, Consumer<CompletableFuture<T>> next) {
        OnLoop.whenDone(future, loop, request::finished, next);
    }
}
