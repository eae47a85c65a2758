package dev.cmux.control.api;

/**
 * One endpoint of the control API. Called on the channel's event loop: anything that blocks goes to an executor
 * (see {@link OffLoop}), and the answer is given through the exchange, from any thread.
 */
@FunctionalInterface
public interface ApiHandler {

    void handle(ApiExchange exchange) throws Exception;
}
