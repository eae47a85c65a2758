package dev.cmux.gateway.resolve;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.cmux.control.sandbox.SandboxId;
import dev.cmux.control.sandbox.UnreachableSandboxException;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.ResolverConfig;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * vmid → address of {@code cmux-<vmid><suffix>}, cached. {@code resolver.static} is taken as written; otherwise DNS
 * is asked, and with PVE its {@link AddressAuthority} at the same time: then DNS only picks among the addresses PVE
 * reports for that vmid, and PVE's own is used when DNS names another ({@link AddressMismatches}) or nothing.
 * Entries live {@code ttl} and are refreshed in the background after {@code refreshAfter}, so a busy sandbox never
 * waits for DNS or PVE; failures are remembered only {@code negativeTtl} (a sandbox that is booting shows up fast).
 * Every address, also on refresh, passes the {@link AddressPolicy} before it is used. Nothing here blocks: DNS is
 * Netty's asynchronous resolver, PVE is asked on the control executor.
 * <p>
 * It lives as long as the process: a reload hands it new settings ({@link #reconfigure}), and its answers stay
 * cached unless the new settings could answer differently (other statics, networks, name servers or suffix).
 */
public final class BackendResolver implements AutoCloseable {

    private static final int QUERY_TIMEOUT_MILLIS = 2000;

    /** What a lookup works with; replaced whole by {@link #reconfigure}, read once per lookup. */
    private record Settings(ResolverConfig config, String suffix, AddressPolicy policy, DnsNameResolver dns,
                            HostsFile hosts) {

        /** Whether answers found under {@code other} are still the answers under these settings. */
        boolean answersAlike(Settings other) {
            return config.statics().equals(other.config.statics())
                    && config.allowedNetworks().equals(other.config.allowedNetworks())
                    && config.nameservers().equals(other.config.nameservers()) && suffix.equals(other.suffix)
                    && hosts.equals(other.hosts);
        }
    }

    private final EventLoop dnsLoop;
    private final Class<? extends DatagramChannel> datagramChannel;
    private final AddressAuthority authority;
    private final AddressMismatches mismatches = new AddressMismatches();
    private final Ticker ticker;
    private final Path hostsFile;
    private final AsyncLoadingCache<Integer, Resolution> cache;
    private volatile Settings settings;

    private BackendResolver(ResolverConfig config, String suffix, EventLoop dnsLoop,
                            Class<? extends DatagramChannel> datagramChannel, AddressAuthority authority,
                            Ticker ticker, Path hostsFile) {
        this.dnsLoop = dnsLoop;
        this.ticker = ticker;
        this.hostsFile = hostsFile;
        this.datagramChannel = datagramChannel;
        this.authority = authority;
        this.settings = new Settings(config, suffix, AddressPolicy.forThisHost(config.allowedNetworks()),
                dns(config), HostsFile.read(hostsFile));
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.maxEntries())
                .expireAfter(new ResolutionExpiry())
                .refreshAfterWrite(config.refreshAfter())
                .ticker(ticker)
                // Caffeine's upkeep (read buffers, expiry order) runs on the thread that read, an event loop:
                // a few nanoseconds a read there, where a thread of its own was woken thousands of times a second
                // (a futex and a context switch on a 2-core host). Nothing it runs blocks: lookups are asynchronous.
                .executor(Runnable::run)
                .recordStats()
                .buildAsync(new Loader());
    }

    /**
     * The resolver of a running gateway: DNS on one of {@code loops} (the data plane's {@code DnsLoops}), with the
     * {@code datagramChannel} that matches them.
     *
     * @param suffix    the suffix of sandbox names, already worked out ({@link SandboxSuffix})
     * @param authority PVE, which vouches for DNS answers; null without PVE (DNS is then trusted as it answers)
     * @param ticker    the clock of TTLs and refreshes: the system's, or one a test moves
     */
    public static BackendResolver create(ResolverConfig config, String suffix, EventLoopGroup loops,
                                         Class<? extends DatagramChannel> datagramChannel,
                                         AddressAuthority authority, Ticker ticker) {
        return create(config, suffix, loops, datagramChannel, authority, ticker, HostsFile.SYSTEM);
    }

    /** @param hostsFile names that win over DNS, read at the start and at each reload ({@code /etc/hosts}) */
    static BackendResolver create(ResolverConfig config, String suffix, EventLoopGroup loops,
                                  Class<? extends DatagramChannel> datagramChannel, AddressAuthority authority,
                                  Ticker ticker, Path hostsFile) {
        return new BackendResolver(config, suffix, loops.next(), datagramChannel, authority, ticker, hostsFile);
    }

    /** Without PVE, on the system's clock, the suffix from config or resolv.conf. */
    public static BackendResolver create(GatewayConfig config, EventLoopGroup loops,
                                         Class<? extends DatagramChannel> datagramChannel) {
        return create(config.resolver(), SandboxSuffix.of(config.routing().suffix()), loops, datagramChannel,
                null, Ticker.systemTicker());
    }

    private DnsNameResolver dns(ResolverConfig config) {
        DnsServerAddressStreamProvider servers = config.nameservers().isEmpty()
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SequentialDnsServerAddressStreamProvider(config.nameservers());
        return new DnsNameResolverBuilder(dnsLoop)
                .datagramChannelType(datagramChannel)
                .nameServerProvider(servers)
                .hostsFileEntriesResolver((name, types) -> settings.hosts().address(name, types))
                // our cache holds the answers; a second one below it would only delay invalidation
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .queryTimeoutMillis(QUERY_TIMEOUT_MILLIS)
                .build();
    }

    /**
     * Takes the settings of a reload and reads the hosts file again. Cached answers stay when the new settings would
     * give the same ones (only times or the cache size changed), so a reload does not send every sandbox's next
     * request to DNS.
     */
    public synchronized void reconfigure(ResolverConfig config, String suffix) {
        Settings old = settings;
        boolean sameServers = old.config.nameservers().equals(config.nameservers());
        Settings next = new Settings(config, suffix, AddressPolicy.forThisHost(config.allowedNetworks()),
                sameServers ? old.dns : dns(config), HostsFile.read(hostsFile));
        settings = next;
        cache.synchronous().policy().eviction().ifPresent(e -> e.setMaximum(config.maxEntries()));
        cache.synchronous().policy().refreshAfterWrite().ifPresent(r -> r.setRefreshesAfter(config.refreshAfter()));
        if (!next.answersAlike(old)) {
            cache.synchronous().invalidateAll();
        }
        if (!sameServers) {
            // a lookup still waiting on the old servers gives up within its query timeout
            dnsLoop.schedule(old.dns::close, 2L * QUERY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** The address to connect to for {@code vmid}; fails with a {@link GatewayException} of the error table. */
    public CompletableFuture<InetAddress> resolve(int vmid) {
        CompletableFuture<Resolution> cached = cache.get(vmid);
        if (cached.isDone() && !cached.isCompletedExceptionally()) {
            return cached.join().asFuture(); // the hot path: a hit, nothing allocated
        }
        return cached.thenCompose(Resolution::asFuture);
    }

    /**
     * {@code vmid} runs at {@code address}, which PVE reported a moment ago (a wake waited for it): cached as a
     * lookup's answer would be, after the same network policy, so the waiting request does not ask PVE again. A
     * static address wins; anything but an IP literal only forgets the entry.
     */
    public void learned(int vmid, String address) {
        Settings s = settings;
        InetAddress parsed = address == null ? null : NetUtil.createInetAddressFromIpAddressString(address);
        if (parsed == null || s.config().statics().containsKey(vmid)) {
            invalidate(vmid);
            return;
        }
        cache.put(vmid, CompletableFuture.completedFuture(checked(s, vmid, parsed, ticker.read())));
    }

    /** Forget {@code vmid}: it failed a connect, was re-created or destroyed. */
    public void invalidate(int vmid) {
        cache.synchronous().invalidate(vmid);
    }

    /** The DNS name of a sandbox, as shown in error messages. */
    public String backendName(int vmid) {
        return new SandboxId(vmid).hostname() + settings.suffix();
    }

    /** Hits, misses and evictions so far, for /metrics. */
    public CacheStats stats() {
        return cache.synchronous().stats();
    }

    public long size() {
        return cache.synchronous().estimatedSize();
    }

    /** Lookups where DNS named an address PVE does not report for the vmid, for /metrics. */
    public long mismatches() {
        return mismatches.count();
    }

    @Override
    public void close() {
        settings.dns().close();
    }

    private CompletableFuture<Resolution> lookup(int vmid) {
        Settings s = settings;
        InetAddress fixed = s.config().statics().get(vmid);
        if (fixed != null) {
            return CompletableFuture.completedFuture(checked(s, vmid, fixed, ticker.read()));
        }
        String name = new SandboxId(vmid).hostname() + s.suffix();
        CompletableFuture<Optional<InetAddress>> viaDns = askDns(s, name);
        if (authority == null) {
            return viaDns.thenApply(found -> found.map(a -> checked(s, vmid, a, ticker.read()))
                    .orElseGet(() -> unresolved(vmid, name)));
        }
        // both at once: a sandbox's first request waits for the slower of the two, not for both in turn
        return viaDns.thenCombine(authority.addressesOf(vmid).handle(Vouched::new),
                (dns, pve) -> vouched(s, vmid, name, dns, pve));
    }

    /**
     * What the hosts file and DNS say of a sandbox's host name ({@code cmux-<vmid>} or {@code pvelxc-…}) with the
     * suffix now, past the cache and PVE (for {@code doctor}).
     */
    public CompletableFuture<Optional<InetAddress>> askDns(String hostname) {
        Settings s = settings;
        return askDns(s, hostname + s.suffix());
    }

    /** A sandbox's host name with the suffix in force: the name DNS is asked for. */
    public String dnsName(String hostname) {
        return hostname + settings.suffix();
    }

    private static CompletableFuture<Optional<InetAddress>> askDns(Settings s, String name) {
        CompletableFuture<Optional<InetAddress>> found = new CompletableFuture<>();
        // a trailing dot: the name is complete, no search domains are tried on top of the suffix
        s.dns().resolve(s.suffix().isEmpty() ? name : name + ".").addListener(f -> found.complete(f.isSuccess()
                ? Optional.of((InetAddress) f.getNow()) : Optional.empty()));
        return found;
    }

    /** PVE's answer: its addresses for the vmid, or why it could not be asked. */
    private record Vouched(List<InetAddress> addresses, Throwable failure) {
    }

    /** DNS only chooses among the addresses PVE reports for {@code vmid}; a name can point anywhere. */
    private Resolution vouched(Settings s, int vmid, String name, Optional<InetAddress> dns, Vouched pve) {
        long now = ticker.read();
        if (pve.failure() != null) {
            Throwable cause = pve.failure() instanceof CompletionException c && c.getCause() != null
                    ? c.getCause() : pve.failure();
            return Resolution.failed(new GatewayException(GatewayError.UNRESOLVED,
                    cause instanceof UnreachableSandboxException ? cause.getMessage() : "PVE could not be asked "
                    + "for the address of sandbox vm-" + vmid + "; try again in a moment."), now);
        }
        List<InetAddress> known = pve.addresses();
        if (known.isEmpty()) {
            return dns.isEmpty() ? unresolved(vmid, name) : Resolution.failed(new GatewayException(
                    GatewayError.UNRESOLVED, "PVE reports no address for sandbox vm-" + vmid + ", and " + name
                    + " in DNS is not used without it: is the sandbox running?"), now);
        }
        if (dns.isPresent() && known.contains(dns.get())) {
            mismatches.agreed(vmid);
            return checked(s, vmid, dns.get(), now);
        }
        dns.ifPresent(claimed -> mismatches.found(vmid, name, claimed, known.get(0)));
        return checked(s, vmid, known.get(0), now);
    }

    private Resolution unresolved(int vmid, String name) {
        return Resolution.failed(new GatewayException(GatewayError.UNRESOLVED, name + " does not resolve: "
                + "does sandbox vm-" + vmid + " exist, and is it running?"), ticker.read());
    }

    private static Resolution checked(Settings s, int vmid, InetAddress address, long nowNanos) {
        String refusal = s.policy().refusal(address);
        if (refusal == null) {
            return Resolution.found(address, nowNanos);
        }
        return Resolution.failed(new GatewayException(GatewayError.ADDRESS_DENIED,
                "Sandbox vm-" + vmid + " is not reachable through the gateway: " + refusal), nowNanos);
    }

    private final class Loader implements AsyncCacheLoader<Integer, Resolution> {
        @Override
        public CompletableFuture<Resolution> asyncLoad(Integer vmid, Executor executor) {
            return lookup(vmid);
        }

        /** A refresh that fails keeps the good address until it expires: a DNS hiccup must not cut a live sandbox. */
        @Override
        public CompletableFuture<Resolution> asyncReload(Integer vmid, Resolution old, Executor executor) {
            return lookup(vmid).thenApply(fresh -> fresh.ok() || !old.ok() || fresh.failure().error()
                    == GatewayError.ADDRESS_DENIED ? fresh : old);
        }
    }

    /** Addresses live {@code ttl}, failures {@code negativeTtl}; an answer kept by a failed refresh keeps its clock. */
    private final class ResolutionExpiry implements Expiry<Integer, Resolution> {

        @Override
        public long expireAfterCreate(Integer vmid, Resolution r, long now) {
            ResolverConfig config = settings.config();
            long ttl = (r.ok() ? config.ttl() : config.negativeTtl()).toNanos();
            // counted from the lookup that found it: an old answer kept by a failed refresh does not live longer
            return Math.max(0, ttl - (now - r.bornNanos()));
        }

        @Override
        public long expireAfterUpdate(Integer vmid, Resolution r, long now, long remaining) {
            return expireAfterCreate(vmid, r, now);
        }

        @Override
        public long expireAfterRead(Integer vmid, Resolution r, long now, long remaining) {
            return remaining;
        }
    }
}
