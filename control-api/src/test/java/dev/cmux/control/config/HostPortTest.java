package dev.cmux.control.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HostPortTest {

    @Test
    void namesIpv4AndBracketedIpv6AreRead() {
        assertEquals(new HostPort("127.0.0.1", 8080), HostPort.listenAddress("127.0.0.1:8080"));
        assertEquals(new HostPort("::1", 9000), HostPort.listenAddress(" [::1]:9000 "));
        assertEquals(new HostPort("localhost", 80), HostPort.connectAddress("LocalHost:80"));
        assertEquals("[::1]:9000", HostPort.listenAddress("[::1]:9000").toString());
        assertEquals("10.0.0.5:53", HostPort.connectAddress("10.0.0.5:53").toString());
    }

    @Test
    void aListenerMayAskForAnyFreePortButAConnectionNeedsARealOne() {
        assertEquals(0, HostPort.listenAddress("127.0.0.1:0").port());
        assertEquals("'127.0.0.1:0' has a port outside 1-65535",
                assertThrows(IllegalArgumentException.class, () -> HostPort.connectAddress("127.0.0.1:0")).getMessage());
        assertEquals("'127.0.0.1:65536' has a port outside 0-65535",
                assertThrows(IllegalArgumentException.class, () -> HostPort.listenAddress("127.0.0.1:65536"))
                        .getMessage());
    }

    @Test
    void eachMistakeIsNamed() {
        assertMessage("127.0.0.1", "has no port");
        assertMessage("127.0.0.1:", "has no port");
        assertMessage("::1:8080", "in brackets");
        assertMessage(":8080", "has no host");
        assertMessage("127.0.0.1:http", "has a port outside 0-65535");
    }

    private static void assertMessage(String text, String part) {
        String message = assertThrows(IllegalArgumentException.class, () -> HostPort.listenAddress(text)).getMessage();
        assertEquals(true, message.contains(part), message);
    }
}
