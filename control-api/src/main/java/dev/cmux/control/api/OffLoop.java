package dev.cmux.control.api;

import java.util.concurrent.Executor;

/** Decorator: runs the handler on the PVE executor, because it blocks; its answer hops back to the event loop. */
record OffLoop(Executor executor, ApiHandler next) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        executor.execute(() -> {
            try {
                next.handle(exchange);
            } catch (Throwable t) {
                exchange.fail(t);
            }
        });
    }
}
