package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3.1 document of this API, the file {@code openapi.json} of the jar as it
 * is in the repository ({@code control-api/src/main/resources}). {@code OpenApiContractTest} holds it against the
 * routing table and the server's real answers.
 */
final class OpenApiHandler implements ApiHandler {

    static final String RESOURCE = "/openapi.json";

    private final byte[] document = read();

    private static byte[] read() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(ApiExchange exchange) {
        exchange.respondText(HttpResponseStatus.OK, HttpHeaderValues.APPLICATION_JSON.toString(), document);
    }
}
