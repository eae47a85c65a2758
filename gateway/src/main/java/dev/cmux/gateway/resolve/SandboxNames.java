package dev.cmux.gateway.resolve;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.cmux.gateway.config.ResolverConfig;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Instance id (a sandbox's host name, e.g. {@code pvelxc-1a2b3c4d}) → vmid, for {@code port-P-<instanceId>} hosts.
 * Only PVE's list of sandboxes answers ({@link Directory}: containers tagged {@code cmux}), never DNS, so a name
 * that is not one of them routes nowhere. The whole list is one cached snapshot, timed like addresses
 * ({@code resolver.ttl}, refreshed in the background after {@code refreshAfter}); a name it lacks is asked for
 * again at most once per {@code negativeTtl}, however many names are tried, so made-up hosts cannot flood PVE.
 * The control API drops the snapshot when it creates or destroys a sandbox. Never blocks.
 */
public final class SandboxNames {

    /** PVE's sandboxes by host name (lower case); must not block the calling thread. */
    @FunctionalInterface
    public interface Directory {
        CompletableFuture<Map<String, Integer>> sandboxNames();
    }

    private record Snapshot(Map<String, Integer> vmids, long bornNanos) {
    }

    private final Directory pve;
    private final Ticker ticker;
    private volatile ResolverConfig config;
    private volatile Snapshot current;
    private CompletableFuture<Snapshot> loading; // guarded by this: one question to PVE at a time
    private long generation; // guarded by this: a list asked for before an invalidate is not kept after it

    public SandboxNames(Directory pve, ResolverConfig config, Ticker ticker) {
        this.pve = pve;
        this.config = config;
        this.ticker = ticker;
    }

    /** The times of a reload. */
    public void reconfigure(ResolverConfig next) {
        config = next;
    }

    /** The vmid of the sandbox named {@code instanceId} (lower case), or null when no sandbox is. */
    public CompletableFuture<Integer> vmidOf(String instanceId) {
        Snapshot s = current;
        ResolverConfig c = config;
        long age = s == null ? Long.MAX_VALUE : ticker.read() - s.bornNanos();
        if (s != null && age < c.ttl().toNanos()) {
            Integer vmid = s.vmids().get(instanceId);
            if (vmid != null) {
                if (age >= c.refreshAfter().toNanos()) {
                    load(); // ahead of expiry: this request does not wait for it
                }
                return CompletableFuture.completedFuture(vmid);
            }
            if (age < c.negativeTtl().toNanos()) {
                return CompletableFuture.completedFuture(null);
            }
        }
        return load().thenApply(fresh -> fresh.vmids().get(instanceId));
    }

    /** Forget the list: a sandbox was created or destroyed. */
    public synchronized void invalidate() {
        current = null;
        loading = null; // the next request asks anew rather than joining a question asked before the change
        generation++;
    }

    /** A list that PVE could not give keeps the last one it did, if any (a hiccup must not cut live sandboxes). */
    private synchronized CompletableFuture<Snapshot> load() {
        if (loading != null) {
            return loading;
        }
        Snapshot previous = current;
        long asked = generation;
        CompletableFuture<Snapshot> next = pve.sandboxNames().thenApply(names -> new Snapshot(Map.copyOf(names),
                ticker.read()));
        CompletableFuture<Snapshot> settled = next.handle((fresh, failure) -> {
            synchronized (this) {
                if (asked == generation) {
                    loading = null;
                    if (fresh != null) {
                        current = fresh;
                    }
                }
            }
            if (fresh != null) {
                return fresh;
            }
            if (previous != null) {
                return previous;
            }
            throw new GatewayException(GatewayError.UNRESOLVED, "PVE could not be asked which sandbox bears this "
                    + "name; try again in a moment.", failure);
        });
        if (!settled.isDone()) {
            loading = settled;
        }
        return settled;
    }
}
