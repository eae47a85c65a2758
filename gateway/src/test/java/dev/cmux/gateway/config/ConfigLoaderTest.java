package dev.cmux.gateway.config;

import dev.cmux.control.sandbox.IdlePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleFileSaysExactlyTheBuiltInDefaults() throws Exception {
        GatewayConfig fromFile = ConfigLoader.load(Path.of("..", "config", "gateway.yaml"), Map.of());
        assertEquals(GatewayConfig.defaults(), fromFile);
    }

    @Test
    void noFileMeansTheSafeDefaults() throws Exception {
        GatewayConfig c = ConfigLoader.load(null, Map.of());
        assertEquals("127.0.0.1", c.listen().getHostString());
        assertEquals(8080, c.listen().getPort());
        assertEquals(8081, c.control().listen().getPort());
        assertTrue(!c.pve().enabled() && !c.cloudflare().enabled());
        assertTrue(!c.routing().sharesCookies(8080), "no sandbox port shares cookies unless listed");
        assertTrue(!c.routing().portAllowed(39375) && !c.routing().portAllowed(22) && c.routing().portAllowed(8080));
    }

    @Test
    void aFullFileIsReadKeyByKey() throws Exception {
        GatewayConfig c = load("""
                listen: "[::1]:9090"
                domain: Example.COM.
                trustedProxies: ["127.0.0.1/32", "10.0.0.0/8"]
                routing:
                  suffix: .lan
                  allowedPorts: ["3000-3999", 39378]
                  deniedPorts: [3306]
                  sharedCookiePorts: [3000, "8000-8099"]
                  hosts:
                    PVE.example.com: { upstream: "https://127.0.0.1:8006", tlsFingerprint: "%s" }
                resolver:
                  ttl: 60s
                  negativeTtl: 500ms
                  static: { "200": 10.10.0.200 }
                  nameservers: [127.0.0.53, "127.0.0.1:5353"]
                timeouts: { connect: 2s, upgradedIdle: 2h }
                pool: { maxIdlePerBackend: 0 }
                accessLog: { enabled: false }
                """.formatted("ab:".repeat(31) + "ab"), Map.of());
        assertEquals("::1", c.listen().getHostString());
        assertEquals("example.com", c.domain());
        assertEquals(".lan", c.routing().suffix());
        assertTrue(c.routing().portAllowed(3500) && !c.routing().portAllowed(8080) && c.routing().portAllowed(39378));
        assertTrue(c.routing().sharesCookies(3000) && c.routing().sharesCookies(8099) && !c.routing().sharesCookies(3001));
        UpstreamRoute pve = c.routing().hosts().get("pve.example.com");
        assertEquals(URI.create("https://127.0.0.1:8006"), pve.upstream());
        assertEquals("AB".repeat(32), pve.tlsFingerprint());
        assertEquals(Duration.ofSeconds(40), c.resolver().refreshAfter(), "two thirds of the TTL by default");
        assertEquals(Duration.ofMillis(500), c.resolver().negativeTtl());
        assertEquals(InetAddress.getByName("10.10.0.200"), c.resolver().statics().get(200));
        assertEquals(53, c.resolver().nameservers().get(0).getPort());
        assertEquals(5353, c.resolver().nameservers().get(1).getPort());
        assertEquals(Duration.ofHours(2), c.timeouts().upgradedIdle());
        assertEquals(Duration.ofSeconds(300), c.timeouts().responseHeaders(), "untouched keys keep their default");
        assertEquals(0, c.pool().maxIdlePerBackend());
        assertTrue(!c.accessLog().enabled());
    }

    @Test
    void theEnvironmentOverridesTheFileAndFillsReferences() throws Exception {
        GatewayConfig c = load("""
                listen: 127.0.0.1:8080
                control: { token: "${MY_TOKEN}" }
                pve: { apiUrl: "https://pve.lan:8006/api2/json" }
                """, Map.of("GATEWAY_LISTEN", "0.0.0.0:18080", "MY_TOKEN", "0123456789abcdef0123",
                "PVE_API_TOKEN", "root@pam!gw=secret", "PVE_PUBLIC_DOMAIN", "sb.example.net",
                "CF_API_TOKEN", "cf-token", "PVE_TEMPLATE_VMID", "9000", "GATEWAY_SUFFIX", ""));
        assertEquals("0.0.0.0", c.listen().getHostString());
        assertEquals(18080, c.listen().getPort());
        assertEquals("0123456789abcdef0123", c.control().token());
        assertTrue(c.pve().enabled());
        assertEquals(9000, c.pve().templateVmid());
        assertEquals("sb.example.net", c.domain());
        assertEquals("sb.example.net", c.cloudflare().domain(), "the tunnel serves the public domain");
        assertEquals("", c.routing().suffix());
        assertTrue(!c.pve().toString().contains("secret") && !c.cloudflare().toString().contains("cf-token"),
                "secrets never print");
    }

    @Test
    void presetsAndTheStorageForFullClonesAreRead() throws Exception {
        GatewayConfig c = load("""
                pve: { storage: local-lvm }
                presets:
                  - id: 4vcpu_6gb_32gb
                    label: "4 vCPU"
                    cores: 4
                    memoryMiB: 6144
                    diskGiB: 32
                    versions:
                      - { version: 2, templateVmid: 9002, snapname: ready, capturedAt: 2026-12-05T06:00:00Z }
                      - { version: 1, templateVmid: 9001 }
                """, Map.of());
        assertEquals("local-lvm", c.pve().storage());
        dev.cmux.control.image.Preset p = c.pve().presets().get(0);
        assertEquals("4vcpu_6gb_32gb", p.id());
        assertEquals(32, p.diskGiB());
        assertEquals(List.of(1, 2), p.versions().stream().map(v -> v.version()).toList());
        assertEquals("ready", p.newest().orElseThrow().snapname());
        assertEquals("auto", load("", Map.of()).pve().storage());
        assertEquals("big-dir", load("", Map.of("PVE_STORAGE", "big-dir")).pve().storage());
    }

    @Test
    void badPresetsAreReportedWithTheirKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                pve: { storage: "x" }
                presets:
                  - { id: "Big One", cores: 0 }
                  - { id: small, memoryMiB: 8, versions: [ { version: 1 }, { version: 1, templateVmid: 9001 },
                      { version: 1, templateVmid: 9002 } ], extra: 1 }
                  - { id: small }
                """, Map.of()));
        List<String> p = e.problems();
        assertHas(p, "pve.storage: must be auto or a storage name");
        assertHas(p, "presets[0].id: must match");
        assertHas(p, "presets[1].memoryMiB: must be between 16");
        assertHas(p, "presets[1].versions[0]: needs version and templateVmid");
        assertHas(p, "presets[1].versions[2].version: version 1 is listed twice");
        assertHas(p, "presets[1].extra: unknown key");
        assertHas(p, "presets[2].id: preset 'small' is defined twice");
    }

    @Test
    void anUnsetReferenceLeavesTheValueUnset() throws Exception {
        GatewayConfig c = load("control: { token: \"${NOT_SET}\" }\n", Map.of());
        assertNull(c.control().token());
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                listen: 127.0.0.1:99999
                lisen: 1
                routing: { deniedPorts: ["x"], sharedCookiePorts: ["3000-0"], hosts: { a.example.com: { upstream: "ftp://x" } } }
                resolver: { negativeTtl: 10s, static: { "12": 10.0.0.1, "300": not-an-ip } }
                timeouts: { connect: soon }
                control: { listen: "0.0.0.0:8081" }
                """, Map.of("PVE_TEMPLATE_VMID", "abc")));
        List<String> p = e.problems();
        assertHas(p, "listen: '127.0.0.1:99999' has a port outside 0-65535");
        assertHas(p, "lisen: unknown key");
        assertHas(p, "routing.deniedPorts[0]:");
        assertHas(p, "routing.sharedCookiePorts[0]: port range 3000-0 must lie within 1-65535, low end first");
        assertHas(p, "routing.hosts.a.example.com.upstream:");
        assertHas(p, "resolver.static.12:");
        assertHas(p, "resolver.static.300:");
        assertHas(p, "resolver.negativeTtl: at most 2s");
        assertHas(p, "timeouts.connect: 'soon' is not a duration");
        assertHas(p, "control.token:");
        assertHas(p, "environment PVE_TEMPLATE_VMID:");
        assertTrue(e.lines("f.yaml").get(0).startsWith("cmux-gateway: f.yaml: "));
    }

    @Test
    void aValueFromTheEnvironmentIsCheckedLikeTheSameKeyInTheFile() {
        ConfigException fromEnv = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("PVE_API_URL", "pve.lan:8006", "CF_API_URL", "ftp://cf", "PVE_API_TOKEN", "root@pam!gw=s")));
        assertHas(fromEnv.problems(), "environment PVE_API_URL: 'pve.lan:8006' is not an http:// or https:// URL");
        assertHas(fromEnv.problems(), "environment CF_API_URL: 'ftp://cf' is not an http:// or https:// URL");
        ConfigException fromFile = assertThrows(ConfigException.class,
                () -> load("pve: { apiUrl: \"pve.lan:8006\" }\n", Map.of()));
        assertHas(fromFile.problems(), "pve.apiUrl: 'pve.lan:8006' is not an http:// or https:// URL");
    }

    @Test
    void theBuilderStartsFromTheDefaultsAndChangesOnlyWhatItIsTold() {
        GatewayConfig c = GatewayConfig.builder()
                .domain("example.com")
                .suffix(".lan")
                .connectTimeout(Duration.ofMillis(700))
                .putStatic(200, InetAddress.getLoopbackAddress())
                .build();
        GatewayConfig d = GatewayConfig.defaults();
        assertEquals(".lan", c.routing().suffix());
        assertEquals(d.routing().deniedPorts(), c.routing().deniedPorts());
        assertEquals(Duration.ofMillis(700), c.timeouts().connect());
        assertEquals(d.timeouts().responseHeaders(), c.timeouts().responseHeaders());
        assertEquals(Map.of(200, InetAddress.getLoopbackAddress()), c.resolver().statics());
        assertEquals(d.resolver().allowedNetworks(), c.resolver().allowedNetworks());
        assertEquals(c, c.toBuilder().build());
        assertEquals(d, c.toBuilder().domain(null).suffix(d.routing().suffix()).connectTimeout(d.timeouts().connect())
                .statics(Map.of()).build());
    }

    @Test
    void brokenYamlSaysWhere() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("listen: [\n", Map.of()));
        assertTrue(e.problems().get(0).startsWith("not valid YAML"), e.problems().toString());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of()));
        assertEquals(List.of("no such file"), missing.problems());
    }

    @Test
    void theLifecycleSectionIsReadAndOffMeansOff() throws Exception {
        GatewayConfig c = load("""
                lifecycle:
                  checkInterval: 15s
                  autoStop: { after: 30m, action: stop }
                  autoDelete: 7d
                  ttl: 20h
                """, Map.of());
        assertEquals(Duration.ofSeconds(15), c.lifecycle().checkInterval());
        assertEquals(Duration.ofMinutes(30), c.lifecycle().policy().autoStop().after());
        assertEquals("stop", c.lifecycle().policy().autoStop().action());
        assertEquals(Duration.ofDays(7), c.lifecycle().policy().autoDelete());
        assertEquals(Duration.ofHours(20), c.lifecycle().ttl());

        GatewayConfig off = load("lifecycle: { autoDelete: off, ttl: \"off\", autoStop: { after: 0s } }\n", Map.of());
        assertEquals(Duration.ZERO, off.lifecycle().policy().autoDelete());
        assertNull(off.lifecycle().ttl());
        assertTrue(!off.lifecycle().policy().autoStop().enabled());
    }

    @Test
    void autoStopChainsDeeperStepsWithThen() throws Exception {
        GatewayConfig c = load("""
                lifecycle:
                  autoStop:
                    after: 10m
                    action: pause
                    then: { after: 2h, action: hibernate, then: { after: 1d, action: stop } }
                """, Map.of());
        assertEquals(new IdlePolicy(Duration.ofMinutes(10), IdlePolicy.PAUSE, new IdlePolicy(Duration.ofHours(2),
                IdlePolicy.HIBERNATE, new IdlePolicy(Duration.ofDays(1), IdlePolicy.STOP))),
                c.lifecycle().policy().autoStop());
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                lifecycle: { autoStop: { after: 2h, action: hibernate, then: { after: 10m, action: pause } } }
                """, Map.of()));
        assertHas(e.problems(), "lifecycle.autoStop.then: a chained idle step comes later and goes deeper");
    }

    @Test
    void theFormerIdleSectionStillMeansAutoStopSoThatAnUpgradeKeepsTheGatewayRunning() throws Exception {
        GatewayConfig c = load("""
                idle: { after: 30m, action: stop, checkInterval: 20s }
                """, Map.of());
        assertEquals(new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.STOP), c.lifecycle().policy().autoStop());
        assertEquals(Duration.ofSeconds(20), c.lifecycle().checkInterval());
        assertEquals(Duration.ZERO, c.lifecycle().policy().autoDelete(), "what idle: never said stays off");
    }

    @Test
    void idleBesideLifecycleIsAnErrorThatNamesTheNewKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                idle: { after: 30m, action: suspend }
                lifecycle: { autoStop: { after: 10m } }
                """, Map.of()));
        assertHas(e.problems(), "idle: moved to lifecycle: (idle.after -> lifecycle.autoStop.after");
    }

    @Test
    void badLifecycleValuesAreEachNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                lifecycle: { autoStop: { action: nap }, checkInterval: 0s, autoDelete: soon }
                """, Map.of()));
        assertHas(e.problems(), "lifecycle.autoStop.action: must be pause, suspend, hibernate or stop");
        assertHas(e.problems(), "lifecycle.checkInterval: must be more than 0");
        assertHas(e.problems(), "lifecycle.autoDelete: 'soon' is not a duration");
    }

    private GatewayConfig load(String yaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("gateway.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f, env);
    }

    private static void assertHas(List<String> problems, String start) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(start)), "no problem starting '" + start + "' in "
                + String.join("\n", problems));
    }
}
