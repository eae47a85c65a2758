package dev.cmux.gateway.resolve;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.cmux.control.sandbox.SandboxId;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.ResolverConfig;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.DnsServerAddresses;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * vmid → address of {@code cmux-<vmid><suffix>}, cached. Sources in order: {@code resolver.static}, DNS, then
 * any {@link AddressSource} plugged in (PVE's interface list). Entries live {@code ttl} and are refreshed in the
 * background after {@code refreshAfter}, so a busy sandbox never waits for DNS; failures are remembered only
 * {@code negativeTtl} (a sandbox that is booting shows up fast). Every address, also on refresh, passes the
 * {@link AddressPolicy} before it is used. Nothing here blocks: DNS is Netty's asynchronous resolver.
 */
public final class BackendResolver implements AutoCloseable {

    private final ResolverConfig config;
    private final String suffix;
    private final AddressPolicy policy;
    private final DnsNameResolver dns;
    private final List<AddressSource> fallbacks;
    private final AsyncLoadingCache<Integer, Resolution> cache;

    BackendResolver(ResolverConfig config, String suffix, AddressPolicy policy, DnsNameResolver dns,
                    List<AddressSource> fallbacks) {
        this.config = config;
        this.suffix = suffix;
        this.policy = policy;
        this.dns = dns;
        this.fallbacks = List.copyOf(fallbacks);
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.maxEntries())
                .expireAfter(new ResolutionExpiry(config))
                .refreshAfterWrite(config.refreshAfter())
                // Caffeine's upkeep (read buffers, expiry order) runs on the thread that read, an event loop:
                // a few nanoseconds a read there, where a thread of its own was woken thousands of times a second
                // (a futex and a context switch on a 2-core host). Nothing it runs blocks: lookups are asynchronous.
                .executor(Runnable::run)
                .recordStats()
                .buildAsync(new Loader());
    }

    /** The resolver of a running gateway: DNS on one of its event loops, suffix from config or resolv.conf. */
    public static BackendResolver create(GatewayConfig config, EventLoopGroup loops,
                                         Class<? extends DatagramChannel> datagramChannel,
                                         List<AddressSource> fallbacks) {
        ResolverConfig rc = config.resolver();
        DnsServerAddressStreamProvider servers = rc.nameservers().isEmpty()
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SequentialDnsServerAddressStreamProvider(rc.nameservers());
        DnsNameResolver dns = new DnsNameResolverBuilder(loops.next())
                .datagramChannelType(datagramChannel)
                .nameServerProvider(servers)
                // our cache holds the answers; a second one below it would only delay invalidation
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .queryTimeoutMillis(2000)
                .build();
        return new BackendResolver(rc, SandboxSuffix.of(config.routing().suffix()), AddressPolicy.forThisHost(
                rc.allowedNetworks()), dns, fallbacks);
    }

    public static BackendResolver create(GatewayConfig config, EventLoopGroup loops,
                                         Class<? extends DatagramChannel> datagramChannel) {
        return create(config, loops, datagramChannel, List.of());
    }

    /** The address to connect to for {@code vmid}; fails with a {@link GatewayException} of the error table. */
    public CompletableFuture<InetAddress> resolve(int vmid) {
        CompletableFuture<Resolution> cached = cache.get(vmid);
        if (cached.isDone() && !cached.isCompletedExceptionally()) {
            return cached.join().asFuture(); // the hot path: a hit, nothing allocated
        }
        return cached.thenCompose(Resolution::asFuture);
    }

    /** Forget {@code vmid}: it failed a connect, was re-created or destroyed. */
    public void invalidate(int vmid) {
        cache.synchronous().invalidate(vmid);
    }

    /** The DNS name of a sandbox, as shown in error messages. */
    public String backendName(int vmid) {
        return new SandboxId(vmid).hostname() + suffix;
    }

    /** Hits, misses and evictions so far, for /metrics. */
    public CacheStats stats() {
        return cache.synchronous().stats();
    }

    public long size() {
        return cache.synchronous().estimatedSize();
    }

    @Override
    public void close() {
        dns.close();
    }

    private CompletableFuture<Resolution> lookup(int vmid) {
        InetAddress fixed = config.statics().get(vmid);
        if (fixed != null) {
            return CompletableFuture.completedFuture(checked(vmid, fixed));
        }
        String name = backendName(vmid);
        CompletableFuture<Optional<InetAddress>> viaDns = new CompletableFuture<>();
        // a trailing dot: the name is complete, no search domains are tried on top of the suffix
        dns.resolve(suffix.isEmpty() ? name : name + ".").addListener(f -> viaDns.complete(f.isSuccess()
                ? Optional.of((InetAddress) f.getNow()) : Optional.empty()));
        return viaDns.thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found)
                        : askFallbacks(vmid, 0))
                .thenApply(found -> found.map(a -> checked(vmid, a)).orElseGet(() -> Resolution.failed(
                        new GatewayException(GatewayError.UNRESOLVED, name + " does not resolve: does sandbox vm-"
                                + vmid + " exist, and is it running?"))));
    }

    private CompletableFuture<Optional<InetAddress>> askFallbacks(int vmid, int index) {
        if (index == fallbacks.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return fallbacks.get(index).lookup(vmid)
                .exceptionally(e -> Optional.empty())
                .thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found)
                        : askFallbacks(vmid, index + 1));
    }

    private Resolution checked(int vmid, InetAddress address) {
        String refusal = policy.refusal(address);
        if (refusal == null) {
            return Resolution.found(address);
        }
        return Resolution.failed(new GatewayException(GatewayError.ADDRESS_DENIED,
                "Sandbox vm-" + vmid + " is not reachable through the gateway: " + refusal));
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
    private static final class ResolutionExpiry implements Expiry<Integer, Resolution> {
        private final long ttl;
        private final long negativeTtl;

        ResolutionExpiry(ResolverConfig config) {
            this.ttl = config.ttl().toNanos();
            this.negativeTtl = config.negativeTtl().toNanos();
        }

        @Override
        public long expireAfterCreate(Integer vmid, Resolution r, long now) {
            // counted from the lookup that found it: an old answer kept by a failed refresh does not live longer
            return Math.max(0, (r.ok() ? ttl : negativeTtl) - (now - r.bornNanos()));
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
