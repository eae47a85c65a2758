package dev.cmux.bench.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The bodies every backend serves: {@code /19b}, {@code /64k}, {@code /10m} (the reference sizes). */
public final class FixedResponses {

    public static final Map<String, Integer> SIZES = Map.of("/19b", 19, "/64k", 64 * 1024, "/10m", 10 * 1024 * 1024);

    /** A direct buffer per path (what a server without sendfile writes), filled once; {@link #release} frees them. */
    private final Map<String, ByteBuf> bodies = new HashMap<>();

    public FixedResponses() {
        SIZES.forEach((path, size) -> bodies.put(path, Unpooled.directBuffer(size).writeBytes(content(size))));
    }

    /**
     * A view of the body for {@code path}, or null. Every response shares the bytes, so the view cannot be released:
     * the encoder's release after the write leaves them for the next response.
     */
    public ByteBuf body(String path) {
        ByteBuf b = bodies.get(path);
        return b == null ? null : Unpooled.unreleasableBuffer(b.duplicate());
    }

    /** Once nothing serves them any more (the backend's event loops have stopped). */
    public void release() {
        bodies.values().forEach(ByteBuf::release);
    }

    /** Printable bytes ending in a newline, the same as the files the nginx backend serves. */
    public static byte[] content(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        bytes[size - 1] = '\n';
        return bytes;
    }
}
