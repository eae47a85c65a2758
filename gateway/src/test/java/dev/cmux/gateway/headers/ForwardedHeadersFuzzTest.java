package dev.cmux.gateway.headers;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cmux.gateway.config.Cidr;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever forwarding headers arrive, from cloudflared or from anyone: the backend gets exactly one valid
 * address in X-Forwarded-For, a proto of http or https, and an untrusted peer can name neither.
 */
class ForwardedHeadersFuzzTest {

    private static final ForwardedHeaders REWRITER = new ForwardedHeaders(List.of(Cidr.parse("127.0.0.1/32")));
    private static final InetAddress TRUSTED = InetAddress.getLoopbackAddress();
    private static final InetAddress STRANGER = ip("10.1.2.3");

    @FuzzTest(maxDuration = "10m")
    void anyForwardingHeadersBecomeOneValidClientAndProto(FuzzedDataProvider data) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        boolean trusted = data.consumeBoolean();
        try {
            for (String name : List.of("cf-connecting-ip", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
                    "forwarded", "x-real-ip", "x-forwarded-for")) {
                if (data.consumeBoolean()) {
                    headers.add(name, data.consumeString(80));
                }
            }
            // the public host is the request's Host header: also a value the decoder has validated
            headers.set("host", data.consumeRemainingAsAsciiString());
        } catch (IllegalArgumentException e) {
            return; // a value the HTTP decoder would have refused never reaches the rewriter
        }
        String host = headers.get("host");
        String client = REWRITER.apply(headers, trusted ? TRUSTED : STRANGER, host.isEmpty() ? null : host);
        assertTrue(NetUtil.isValidIpV4Address(client) || NetUtil.isValidIpV6Address(client), client);
        assertEquals(List.of(client), headers.getAll("x-forwarded-for"));
        String proto = headers.get("x-forwarded-proto");
        assertTrue("http".equals(proto) || "https".equals(proto), proto);
        if (!trusted) {
            assertEquals("10.1.2.3", client);
            assertEquals("http", proto);
            assertTrue(!headers.contains("cf-connecting-ip") && !headers.contains("forwarded"));
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(literal));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
