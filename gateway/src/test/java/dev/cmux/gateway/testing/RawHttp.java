package dev.cmux.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends exact bytes to a port and reads what comes back until the peer closes (or a quiet timeout). */
public final class RawHttp {

    private RawHttp() {
    }

    /** What came back, and whether the server closed the connection (as opposed to going quiet). */
    public record Reply(String text, boolean closedByServer) {
        public int status() {
            return Integer.parseInt(text.substring(9, 12));
        }

        public String header(String name) {
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) {
                    return null;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    public static Reply send(int port, String request, int quietMillis) throws IOException {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1), quietMillis);
    }

    public static Reply send(int port, byte[] request, int quietMillis) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(quietMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readAll(s.getInputStream());
        }
    }

    public static Reply readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                got.write(buf, 0, n);
            }
            return new Reply(got.toString(StandardCharsets.ISO_8859_1), true);
        } catch (SocketTimeoutException e) {
            return new Reply(got.toString(StandardCharsets.ISO_8859_1), false);
        } catch (IOException e) {
            // a reset counts as closed
            return new Reply(got.toString(StandardCharsets.ISO_8859_1), true);
        }
    }
}
