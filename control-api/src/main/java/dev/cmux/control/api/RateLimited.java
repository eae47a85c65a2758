package dev.cmux.control.api;

/** Decorator: 429 with {@code Retry-After} once the bucket is empty (sandbox creation costs a container each). */
record RateLimited(TokenBucket bucket, ApiHandler next) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) throws Exception {
        long wait = bucket.tryTake();
        if (wait > 0) {
            exchange.fail(ApiError.tooManyRequests("Too many sandbox creations; try again in " + wait + " s.", wait));
            return;
        }
        next.handle(exchange);
    }
}
