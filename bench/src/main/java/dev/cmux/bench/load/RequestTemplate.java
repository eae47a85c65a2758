package dev.cmux.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The request every connection sends, encoded once: a GET of {@code path}, or with {@code bodySize > 0} a POST
 * carrying that many bytes (the request-size knob; the backends answer by path whatever the method).
 */
public record RequestTemplate(String path, int bodySize) {

    public RequestTemplate {
        if (bodySize < 0) {
            throw new IllegalArgumentException("bodySize >= 0");
        }
    }

    public static RequestTemplate get(String path) {
        return new RequestTemplate(path, 0);
    }

    /** Shared by the connections of one run: each write sends a {@code duplicate()}. */
    ByteBuf encode(String host) {
        String head = bodySize == 0
                ? "GET " + path + " HTTP/1.1\r\nhost: " + host + "\r\n\r\n"
                : "POST " + path + " HTTP/1.1\r\nhost: " + host + "\r\ncontent-type: application/octet-stream\r\n"
                        + "content-length: " + bodySize + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + bodySize);
        Arrays.fill(all, headBytes.length, all.length, (byte) 'x');
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(all));
    }
}
