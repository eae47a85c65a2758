package dev.cmux.gateway.headers;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), removed in both directions. */
public final class HopByHopHeaders {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private static final AsciiString[] FIXED = {
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, PROXY_CONNECTION,
        HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
        HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
    };

    private HopByHopHeaders() {
    }

    /** Removes the fixed hop-by-hop set and every header named in {@code Connection}. */
    public static void remove(HttpHeaders headers) {
        List<String> named = null;
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            for (Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.CONNECTION); values.hasNext(); ) {
                String value = values.next();
                if (namesOnlyFixed(value)) {
                    continue; // the usual case: nothing to split
                }
                for (String token : value.split(",")) {
                    String name = token.trim();
                    if (!name.isEmpty()) {
                        if (named == null) {
                            named = new ArrayList<>();
                        }
                        named.add(name);
                    }
                }
            }
        }
        if (named != null) {
            named.forEach(headers::remove); // after the iteration: it must not see the headers change
        }
        for (AsciiString name : FIXED) {
            headers.remove(name);
        }
    }

    /** {@code keep-alive}, {@code close}, {@code upgrade}: values that name no header outside the fixed set. */
    private static boolean namesOnlyFixed(String connection) {
        return HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(connection)
                || HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(connection)
                || HttpHeaderValues.UPGRADE.contentEqualsIgnoreCase(connection);
    }
}
