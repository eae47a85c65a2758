package dev.cmux.gateway.resolve;

import dev.cmux.control.testing.Await;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.ResolverConfig;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import dev.cmux.gateway.testing.TinyDnsServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resolver against a real DNS server on loopback: sources, caching, refresh-ahead, negative TTL, the SSRF guard.
 * Time is a ticker the tests move: TTLs and refreshes never wait on the wall clock.
 */
class BackendResolverTest {

    private static final InetAddress A = ip("127.0.0.10");
    private static final InetAddress B = ip("127.0.0.11");

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicLong nanos = new AtomicLong();
    private TinyDnsServer dns;
    private BackendResolver resolver;

    @BeforeEach
    void startDns() throws Exception {
        dns = new TinyDnsServer();
    }

    @AfterEach
    void stop() {
        if (resolver != null) {
            resolver.close();
        }
        dns.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private BackendResolver resolver(Duration ttl, Duration refreshAfter, Duration negativeTtl,
                                     Map<Integer, InetAddress> statics, AddressAuthority authority) {
        ResolverConfig rc = new ResolverConfig(ttl, refreshAfter, negativeTtl, statics,
                List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8")), List.of(dns.address()), 1000);
        resolver = BackendResolver.create(rc, ".lan", loops, NioDatagramChannel.class, authority, nanos::get);
        return resolver;
    }

    private BackendResolver resolver() {
        return resolver(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2), Map.of(), null);
    }

    /** Resolving with PVE as the authority, which reports {@code reported} for each vmid (nothing for others). */
    private BackendResolver vouchedBy(Map<Integer, List<InetAddress>> reported, AtomicInteger asked) {
        return resolver(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2), Map.of(), vmid -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(reported.getOrDefault(vmid, List.of()));
        });
    }

    @Test
    void aSandboxNameResolvesThroughDnsWithTheSuffixAndIsCached() throws Exception {
        dns.put("cmux-200.lan", A);
        BackendResolver r = resolver();
        assertEquals(A, r.resolve(200).get(5, TimeUnit.SECONDS));
        int asked = dns.queries();
        for (int i = 0; i < 100; i++) {
            assertEquals(A, r.resolve(200).get(5, TimeUnit.SECONDS));
        }
        assertEquals(asked, dns.queries(), "hits come from the cache");
        assertEquals("cmux-200.lan", r.backendName(200));
    }

    @Test
    void staticOverridesWinAndAskNoDns() throws Exception {
        dns.put("cmux-201.lan", A);
        BackendResolver r = resolver(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2),
                Map.of(201, ip("10.10.0.201")), null);
        assertEquals(ip("10.10.0.201"), r.resolve(201).get(5, TimeUnit.SECONDS));
        assertEquals(0, dns.queries());
    }

    @Test
    void aFailureIsRememberedOnlyForTheNegativeTtl() throws Exception {
        BackendResolver r = resolver(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(300), Map.of(), null);
        assertEquals(GatewayError.UNRESOLVED, failure(r, 202).error());
        dns.put("cmux-202.lan", A);
        assertEquals(GatewayError.UNRESOLVED, failure(r, 202).error(), "still the remembered failure");
        advance(Duration.ofMillis(400));
        assertEquals(A, r.resolve(202).get(5, TimeUnit.SECONDS), "the booted sandbox is found after negativeTtl");
    }

    @Test
    void aBusyEntryIsRefreshedAheadAndANewAddressIsTakenUp() throws Exception {
        dns.put("cmux-203.lan", A);
        BackendResolver r = resolver(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2), Map.of(), null);
        assertEquals(A, r.resolve(203).get(5, TimeUnit.SECONDS));
        dns.put("cmux-203.lan", B);
        advance(Duration.ofMillis(300));
        assertEquals(A, r.resolve(203).get(5, TimeUnit.SECONDS), "served at once while the refresh runs");
        Await.until(() -> B.equals(r.resolve(203).get(5, TimeUnit.SECONDS)), "the refresh took up B");
    }

    @Test
    void aFailedRefreshKeepsTheKnownAddressUntilItsTtl() throws Exception {
        dns.put("cmux-204.lan", A);
        BackendResolver r = resolver(Duration.ofMillis(1500), Duration.ofMillis(200), Duration.ofSeconds(2), Map.of(), null);
        assertEquals(A, r.resolve(204).get(5, TimeUnit.SECONDS));
        dns.put("cmux-204.lan", null);
        advance(Duration.ofMillis(300));
        int asked = dns.queries();
        r.resolve(204).get(5, TimeUnit.SECONDS); // triggers the refresh, which fails
        Await.until(() -> dns.queries() > asked, "the refresh asked DNS");
        assertEquals(A, r.resolve(204).get(5, TimeUnit.SECONDS), "a DNS hiccup does not cut a live sandbox");
        advance(Duration.ofMillis(1300));
        Await.until(() -> failureOrNull(r, 204) != null, "after the TTL the failure shows");
    }

    @Test
    void anAddressOutsideTheAllowedNetworksIsRefusedAlsoWhenItArrivesByRefresh() throws Exception {
        dns.put("cmux-205.lan", A);
        BackendResolver r = resolver(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2), Map.of(), null);
        assertEquals(A, r.resolve(205).get(5, TimeUnit.SECONDS));
        dns.put("cmux-205.lan", ip("8.8.8.8"));
        advance(Duration.ofMillis(300));
        r.resolve(205).get(5, TimeUnit.SECONDS);
        Await.until(() -> {
            GatewayException e = failureOrNull(r, 205);
            return e != null && e.error() == GatewayError.ADDRESS_DENIED && e.getMessage().contains("8.8.8.8");
        }, "the refreshed, denied address replaces the old one at once");
    }

    @Test
    void invalidationMakesTheNextRequestAskAgain() throws Exception {
        dns.put("cmux-206.lan", A);
        BackendResolver r = resolver();
        assertEquals(A, r.resolve(206).get(5, TimeUnit.SECONDS));
        dns.put("cmux-206.lan", B);
        r.invalidate(206);
        assertEquals(B, r.resolve(206).get(5, TimeUnit.SECONDS));
    }

    @Test
    void anAddressAWakeLearnedFromPveReplacesAFailureWithoutAskingAgainAndPassesThePolicy() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        BackendResolver r = vouchedBy(Map.of(), asked);
        assertEquals(GatewayError.UNRESOLVED, failure(r, 208).error(), "asleep: PVE reports no address");
        int dnsAsked = dns.queries();
        r.learned(208, "127.0.0.10");
        assertEquals(A, r.resolve(208).get(5, TimeUnit.SECONDS));
        assertEquals(1, asked.get(), "PVE is not asked again");
        assertEquals(dnsAsked, dns.queries(), "nor DNS");
        r.learned(209, "8.8.8.8");
        assertEquals(GatewayError.ADDRESS_DENIED, failure(r, 209).error());
        r.learned(208, "not-an-address");
        assertEquals(GatewayError.UNRESOLVED, failure(r, 208).error(), "no literal: forgotten, asked again");
        assertEquals(2, asked.get());
    }

    @Test
    void withPveADnsAnswerItReportsForTheVmidIsUsed() throws Exception {
        dns.put("cmux-207.lan", B);
        AtomicInteger asked = new AtomicInteger();
        BackendResolver r = vouchedBy(Map.of(207, List.of(A, B)), asked);
        assertEquals(B, r.resolve(207).get(5, TimeUnit.SECONDS), "DNS picks among PVE's addresses");
        assertEquals(0, r.mismatches());
        for (int i = 0; i < 10; i++) {
            r.resolve(207).get(5, TimeUnit.SECONDS);
        }
        assertEquals(1, asked.get(), "PVE is asked once per lookup, not per request");
    }

    @Test
    void withPveAnotherSandboxsAddressInDnsIsReplacedByPvesAndCounted() throws Exception {
        dns.put("cmux-208.lan", B); // the sandbox at B registered the DHCP name of vm-208
        BackendResolver r = vouchedBy(Map.of(208, List.of(A)), new AtomicInteger());
        assertEquals(A, r.resolve(208).get(5, TimeUnit.SECONDS));
        assertEquals(1, r.mismatches());
    }

    @Test
    void withPveAnAddressNoOneVouchesForIsNotUsed() throws Exception {
        dns.put("cmux-209.lan", B); // vm-209 is stopped (PVE reports nothing) and another sandbox took its name
        BackendResolver r = vouchedBy(Map.of(), new AtomicInteger());
        GatewayException e = failure(r, 209);
        assertEquals(GatewayError.UNRESOLVED, e.error());
        assertTrue(e.getMessage().contains("PVE reports no address for sandbox vm-209"), e.getMessage());
        assertEquals(GatewayError.UNRESOLVED, failure(r, 210).error(), "known to neither");
    }

    @Test
    void withPveAndNoDnsAnswerPvesAddressIsUsed() throws Exception {
        BackendResolver r = vouchedBy(Map.of(211, List.of(ip("10.10.0.211"))), new AtomicInteger());
        assertEquals(ip("10.10.0.211"), r.resolve(211).get(5, TimeUnit.SECONDS));
        assertEquals(0, r.mismatches(), "no name was claimed");
    }

    @Test
    void whenPveCannotBeAskedNoAddressIsUsed() throws Exception {
        dns.put("cmux-212.lan", A);
        BackendResolver r = resolver(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2), Map.of(),
                vmid -> CompletableFuture.failedFuture(new IllegalStateException("PVE answered 595")));
        GatewayException e = failure(r, 212);
        assertEquals(GatewayError.UNRESOLVED, e.error());
        assertTrue(e.getMessage().contains("PVE could not be asked"), e.getMessage());
    }

    @Test
    void namesInTheHostsFileResolveWithoutAskingDnsAndAReloadReadsItAgain(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n10.10.0.213 CMUX-213.lan   # pinned by the operator\n");
        dns.put("cmux-213.lan", A);
        ResolverConfig rc = new ResolverConfig(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2),
                Map.of(), List.of(Cidr.parse("10.0.0.0/8")), List.of(dns.address()), 1000);
        resolver = BackendResolver.create(rc, ".lan", loops, NioDatagramChannel.class, null, nanos::get, hosts);
        assertEquals(ip("10.10.0.213"), resolver.resolve(213).get(5, TimeUnit.SECONDS));
        assertEquals(0, dns.queries(), "the hosts file answered");

        Files.writeString(hosts, "10.10.0.99 cmux-213.lan\n");
        resolver.reconfigure(rc, ".lan");
        assertEquals(ip("10.10.0.99"), resolver.resolve(213).get(5, TimeUnit.SECONDS), "re-read at the reload");
    }

    @Test
    void theSuffixComesFromTheSearchLineOfResolvConf(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("resolv.conf");
        Files.writeString(conf, "# dnsmasq on vmbr1\nnameserver 10.10.0.1\nsearch lan example.net\n");
        assertEquals(".lan", SandboxSuffix.fromResolvConf(conf));
        assertEquals("", SandboxSuffix.fromResolvConf(dir.resolve("missing")));
        assertEquals(".lan", SandboxSuffix.of("lan."));
        assertEquals("", SandboxSuffix.of(""));
    }

    private static GatewayException failure(BackendResolver r, int vmid) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> r.resolve(vmid).get(5, TimeUnit.SECONDS));
        return assertInstanceOf(GatewayException.class, e.getCause());
    }

    private static GatewayException failureOrNull(BackendResolver r, int vmid) {
        try {
            r.resolve(vmid).get(5, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return (GatewayException) e.getCause();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByAddress(io.netty.util.NetUtil.createByteArrayFromIpAddressString(literal));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
