package dev.cmux.control.config;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValuesTest {

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofMillis(300), ConfigValues.duration("300ms"));
        assertEquals(Duration.ofHours(1), ConfigValues.duration(" 1H "));
        assertEquals(Duration.ofDays(7), ConfigValues.duration("7d"));
        assertEquals("'30' is not a duration like 300ms, 5s, 30m or 1h",
                assertThrows(IllegalArgumentException.class, () -> ConfigValues.duration("30")).getMessage());
    }

    @Test
    void booleansAndCountsAreReadAsOperatorsWriteThem() {
        assertTrue(ConfigValues.bool("yes") && ConfigValues.bool("ON") && !ConfigValues.bool("0"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.bool("maybe"));
        assertEquals(0, ConfigValues.nonNegativeInt("0"));
        assertEquals("must be more than 0",
                assertThrows(IllegalArgumentException.class, () -> ConfigValues.positiveInt("0")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.nonNegativeInt("-1"));
    }

    @Test
    void urlsFingerprintsAndDomainsAreNormalised() {
        assertEquals(URI.create("https://pve.lan:8006/api2/json"), ConfigValues.httpUrl("https://pve.lan:8006/api2/json"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.httpUrl("pve.lan:8006"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.httpUrl("ftp://pve.lan"));
        assertEquals("AB".repeat(32), ConfigValues.fingerprint("ab:".repeat(31) + "ab"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.fingerprint("AB:CD"));
        assertEquals("example.com", ConfigValues.domain(".Example.COM."));
        assertNull(ConfigValues.domain(" "));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.domain("*.example.com"));
    }

    @Test
    void addressesAreLiteralsNeverLookups() {
        assertEquals("10.0.0.1", ConfigValues.ipLiteral("10.0.0.1").getHostAddress());
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.ipLiteral("localhost"));
        assertTrue(ConfigValues.isLoopback(InetSocketAddress.createUnresolved("127.0.0.2", 1)));
        assertTrue(ConfigValues.isLoopback(InetSocketAddress.createUnresolved("LOCALHOST", 1)));
        assertFalse(ConfigValues.isLoopback(InetSocketAddress.createUnresolved("0.0.0.0", 1)));
        assertFalse(ConfigValues.isLoopback(InetSocketAddress.createUnresolved("pve.lan", 1)));
    }
}
