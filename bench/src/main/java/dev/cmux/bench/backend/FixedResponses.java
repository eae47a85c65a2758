package dev.cmux.bench.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.Map;

/** The bodies every backend serves: {@code /19b}, {@code /64k}, {@code /10m} (the reference sizes). */
public final class FixedResponses {

    public static final Map<String, Integer> SIZES = Map.of("/19b", 19, "/64k", 64 * 1024, "/10m", 10 * 1024 * 1024);

    private final Map<String, ByteBuf> bodies;

    public FixedResponses() {
        this.bodies = Map.of("/19b", body(19), "/64k", body(64 * 1024), "/10m", body(10 * 1024 * 1024));
    }

    /** A read-only view of the body for {@code path}, or null; the caller owns the returned buffer. */
    public ByteBuf body(String path) {
        ByteBuf b = bodies.get(path);
        return b == null ? null : b.duplicate();
    }

    /** Printable bytes ending in a newline, the same as the files the nginx backend serves. */
    public static byte[] content(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        bytes[size - 1] = '\n';
        return bytes;
    }

    private static ByteBuf body(int size) {
        // unreleasable: shared by every response; the direct copy is what a sendfile-less server would write
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(content(size)));
    }
}
