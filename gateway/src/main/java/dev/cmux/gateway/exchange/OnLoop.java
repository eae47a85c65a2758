package dev.cmux.gateway.exchange;

import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Continuing a request's story when a future completes, on the request's own event loop. */
final class OnLoop {

    private OnLoop() {
    }

    /**
     * Runs {@code next} at once when {@code future} is done (a cache hit), else later on {@code loop}, unless the
     * request has {@code finished} meanwhile.
     */
    static <T> void whenDone(CompletableFuture<T> future, EventLoop loop, BooleanSupplier finished,
                             Consumer<CompletableFuture<T>> next) {
        if (future.isDone()) {
            next.accept(future);
        } else {
            future.whenComplete((v, e) -> loop.execute(() -> {
                if (!finished.getAsBoolean()) {
                    next.accept(future);
                }
            }));
        }
    }
}
