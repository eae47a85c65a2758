package dev.cmux.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A deterministic byte pattern of any length, and SHA-256 over streams, for byte-identical checks of big bodies. */
public final class Bytes {

    private Bytes() {
    }

    public static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = at(i);
        }
        return b;
    }

    public static byte at(long i) {
        return (byte) ((i * 31 + (i >>> 11)) & 0xff);
    }

    /** Writes {@code length} pattern bytes in 64 KiB pieces. */
    public static void writePattern(OutputStream out, long length) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long written = 0;
        while (written < length) {
            int n = (int) Math.min(buf.length, length - written);
            for (int i = 0; i < n; i++) {
                buf[i] = at(written + i);
            }
            out.write(buf, 0, n);
            written += n;
        }
    }

    public static String sha256(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) != -1) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    public static String patternSha256(long length) {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(buf.length, length - done);
            for (int i = 0; i < n; i++) {
                buf[i] = at(done + i);
            }
            md.update(buf, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
