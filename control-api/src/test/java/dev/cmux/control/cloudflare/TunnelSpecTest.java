package dev.cmux.control.cloudflare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmux.control.config.CloudflareConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TunnelSpecTest {

    private static CloudflareConfig config(String domain) {
        return new CloudflareConfig(URI.create("http://127.0.0.1:1/client/v4"), "t".repeat(40), null, null, domain,
                "cmux-gateway", Path.of("/etc/cmux-gateway/cloudflared"), Path.of("/etc/systemd/system"),
                CloudflareConfig.DEFAULT_READY_URL);
    }

    @Test
    void loopbackAndWildcardListenAddressesAreReachedAsLocalhost() {
        assertEquals("http://localhost:8080", GatewayAddress.parse("127.0.0.1:8080").originUrl());
        assertEquals("http://localhost:8080", GatewayAddress.parse("0.0.0.0:8080").originUrl());
        assertEquals("http://localhost:9000", GatewayAddress.parse("[::1]:9000").originUrl());
        assertEquals("http://localhost:8080", GatewayAddress.parse("[::]:8080").originUrl());
        assertEquals("http://10.0.0.5:8080", GatewayAddress.parse("10.0.0.5:8080").originUrl());
        assertEquals("127.0.0.1:8080", GatewayAddress.parse("0.0.0.0:8080").probe().toString());
        assertEquals("[::1]:8080", GatewayAddress.parse("[::]:8080").probe().toString());
    }

    @Test
    void aListenAddressWithoutAValidPortIsRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayAddress.parse("127.0.0.1"))
                .getMessage().contains("has no port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayAddress.parse("127.0.0.1:70000"))
                .getMessage().contains("outside 1-65535"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayAddress.parse("::1:8080"))
                .getMessage().contains("in brackets"));
    }

    @Test
    void theDomainIsNormalisedAndTheIngressEndsWithTheCatchAll() {
        TunnelSpec spec = TunnelSpec.from(config("Example.COM."), "127.0.0.1:8080", false);

        assertEquals("example.com", spec.domain());
        assertEquals(List.of("*.example.com"), spec.dnsNames());
        assertEquals(List.of(IngressRule.route("*.example.com", "http://localhost:8080"),
                IngressRule.catchAll("http_status:404")), spec.ingress());
        assertEquals(Path.of("/etc/cmux-gateway/cloudflared/token"), spec.tokenFile());
        assertEquals(Path.of("/etc/systemd/system/cmux-cloudflared.service"), spec.unitFile());
    }

    @Test
    void aDomainThatIsNotAHostnameIsAConfigError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunnelSpec.from(config("*.example.com"), "127.0.0.1:8080", false));
        assertTrue(e.getMessage().startsWith("CF_DOMAIN '*.example.com' is not a domain name"), e.getMessage());
    }

    @Test
    void theConfigsToStringNeverShowsTheToken() {
        assertFalse(config("example.com").toString().contains("t".repeat(40)));
    }
}
