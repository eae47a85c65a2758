package dev.cmux.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON answers of the control API, errors in one shape: {@code {"error":{"code","message","details"}}}. */
public final class ApiResponse {

    static final ObjectMapper JSON = new ObjectMapper();

    private ApiResponse() {
    }

    static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable as JSON: " + body.getClass(), e);
        }
    }

    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, Object body) {
        byte[] bytes = bytes(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(bytes.length + 1).writeBytes(bytes).writeByte('\n'));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length + 1)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /** @param code machine-readable, kebab-case; @param message one human sentence */
    public static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String code, String message,
                                         Object details) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (details != null) {
            error.put("details", details);
        }
        return json(alloc, status, Map.of("error", error));
    }
}
