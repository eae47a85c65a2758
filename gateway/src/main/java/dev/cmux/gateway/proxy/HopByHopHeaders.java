package dev.cmux.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.List;

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), removed in both directions. */
final class HopByHopHeaders {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private static final AsciiString[] FIXED = {
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, PROXY_CONNECTION,
        HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
        HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
    };

    private HopByHopHeaders() {
    }

    /** Removes the fixed hop-by-hop set and every header named in {@code Connection}. */
    static void remove(HttpHeaders headers) {
        List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
        for (String value : connection) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : FIXED) {
            headers.remove(name);
        }
    }
}
