package dev.cmux.gateway.headers;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HopByHopHeadersTest {

    @Test
    void theFixedSetAndEveryHeaderNamedInAnyConnectionHeaderGo() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "keep-alive")
                .add("Connection", "X-Secret, x-other ,")
                .add("Keep-Alive", "timeout=5")
                .add("TE", "trailers")
                .add("Proxy-Connection", "keep-alive")
                .add("X-Secret", "1")
                .add("X-Other", "2")
                .add("X-Kept", "3")
                .add("Host", "h");
        HopByHopHeaders.remove(h);
        assertEquals(Set.of("X-Kept", "Host"), h.names());
    }

    /** {@code close} is a connection option, not a header name ("Close" is a reserved field name, RFC 9110 §18.4). */
    @Test
    void theUsualValuesNameNothingElse() {
        for (String usual : List.of("keep-alive", "Close", "Upgrade")) {
            HttpHeaders h = new DefaultHttpHeaders().add("Connection", usual).add("Upgrade", "websocket")
                    .add("Close", "not a hop-by-hop header").add("X-Kept", "1");
            HopByHopHeaders.remove(h);
            assertEquals(Set.of("Close", "X-Kept"), h.names(), usual);
        }
    }
}
