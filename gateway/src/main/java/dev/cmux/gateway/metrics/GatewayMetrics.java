package dev.cmux.gateway.metrics;

import dev.cmux.control.api.MetricSet;
import dev.cmux.control.api.PrometheusSource;
import dev.cmux.control.lifecycle.NextAction;
import dev.cmux.control.sandbox.SandboxKind;
import dev.cmux.control.sandbox.SandboxState;
import dev.cmux.gateway.error.GatewayError;
import io.netty.buffer.PooledByteBufAllocator;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The data plane's metrics, part of the control API's {@code GET /metrics}. Recorded on event loops into data
 * points bound once (no label lookup, no allocation per request; no lock either, except that a histogram briefly
 * takes one while that very histogram is being scraped, which is how the library keeps a scrape consistent); gauges
 * are read when scraped. There are no per-sandbox labels: vmids and ports are unbounded, and a scrape must stay
 * small.
 */
public final class GatewayMetrics implements PrometheusSource {

    private static final List<String> ERROR_CODES = Arrays.stream(GatewayError.values()).map(GatewayError::code)
            .distinct().toList();
    private static final String WOKEN = "woken";

    private final MetricSet metrics = new MetricSet();
    private final CounterDataPoint[] byClass = byStatusClass(metrics.counter("cmux_gateway_requests_total",
            "Requests answered, by status class.", "class"));
    private final LabelledCounter byError = new LabelledCounter(metrics.counter("cmux_gateway_errors_total",
            "Answers the gateway made itself, by X-Gateway-Error code.", "code"), ERROR_CODES);
    private final Counter bytesIn = metrics.counter("cmux_gateway_received_bytes_total",
            "Request body bytes and upgraded bytes from clients.");
    private final Counter bytesOut = metrics.counter("cmux_gateway_sent_bytes_total",
            "Response body bytes and upgraded bytes to clients.");
    private final Upgrades upgrades = new Upgrades(
            metrics.counter("cmux_gateway_upgrades_total", "Connections upgraded (WebSocket and others)."),
            metrics.gauge("cmux_gateway_upgraded_connections", "Upgraded connections open now."));
    private final Histogram connect = metrics.seconds("cmux_gateway_upstream_connect_seconds",
            "Time to open a new connection to a sandbox or upstream.");
    private final Histogram headers = metrics.seconds("cmux_gateway_upstream_response_header_seconds",
            "Time from the request sent to the response head received.");
    private final LabelledCounter wakes = new LabelledCounter(metrics.counter("cmux_gateway_wakes_total",
            "Wakes of stopped sandboxes, by result.", "result"), List.of(WOKEN, "failed", "limited"));
    private final Histogram wakeDuration = metrics.seconds("cmux_gateway_wake_duration_seconds",
            "Time from a wake's start to the sandbox running with an address (PVE start or resume).");
    private final Counter wokenRequests = metrics.counter("cmux_gateway_woken_requests_total",
            "Requests that waited for a wake or got the starting page.");
    private final Counter wokenFrom = wakeLevels(metrics.counter("cmux_gateway_wakes_from_total",
            "Sandboxes woken, by kind (lxc, vm) and the level they slept at (paused, hibernated, stopped).", "kind",
            "from"));
    private final Counter lifecycle = lifecycleActions(metrics.counter("cmux_gateway_lifecycle_actions_total",
            "Sandboxes paused, suspended, hibernated, stopped or destroyed by the lifecycle, by action and reason.",
            "action", "reason"));
    private volatile Sources sources = new Sources(() -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0);

    /** Gauges read from their owners at scrape time. */
    public record Sources(LongSupplier openConnections, LongSupplier pooledIdle, LongSupplier resolverHits,
                          LongSupplier resolverMisses, LongSupplier resolverEvictions, LongSupplier resolverSize,
                          LongSupplier addressMismatches) {
    }

    /** Upgraded connections: how many there were, and how many are open now. */
    private record Upgrades(Counter total, Gauge open) {
        void opened() {
            total.inc();
            open.inc();
        }

        void closed() {
            open.dec();
        }
    }

    private enum Kind { GAUGE, COUNTER }

    /** A number its owner holds, read through {@link #sources} at scrape time. */
    private record Sampled(Kind kind, String name, String help, Function<Sources, LongSupplier> source) {
    }

    private static final List<Sampled> SAMPLED = List.of(
            new Sampled(Kind.GAUGE, "cmux_gateway_client_connections",
                    "Client connections open now, upgraded ones included.", Sources::openConnections),
            new Sampled(Kind.GAUGE, "cmux_gateway_pool_idle_connections",
                    "Idle keep-alive connections to backends.", Sources::pooledIdle),
            new Sampled(Kind.COUNTER, "cmux_gateway_resolver_hits_total",
                    "Sandbox address lookups answered from the cache.", Sources::resolverHits),
            new Sampled(Kind.COUNTER, "cmux_gateway_resolver_misses_total",
                    "Sandbox address lookups that asked a source.", Sources::resolverMisses),
            new Sampled(Kind.COUNTER, "cmux_gateway_resolver_evictions_total",
                    "Cached sandbox addresses dropped.", Sources::resolverEvictions),
            new Sampled(Kind.GAUGE, "cmux_gateway_resolver_entries",
                    "Sandbox addresses cached now.", Sources::resolverSize));

    public GatewayMetrics() {
        for (Sampled s : SAMPLED) {
            LongSupplier read = () -> s.source().apply(sources).getAsLong();
            if (s.kind() == Kind.COUNTER) {
                metrics.counter(s.name(), s.help(), read);
            } else {
                metrics.gauge(s.name(), s.help(), read);
            }
        }
        // a sign of a sandbox claiming another's name (README "Sandbox addresses"), not of load
        metrics.counter("cmux_gateway_address_mismatch_total", "Sandbox lookups where DNS named an address PVE does"
                + " not report for that vmid (PVE's was used).", () -> sources.addressMismatches().getAsLong());
        metrics.gauge("cmux_gateway_netty_direct_memory_bytes", "Direct memory held by Netty's pooled allocator.",
                () -> PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
    }

    /** 1xx to 5xx, bound once: every class shows from the first scrape on, 0 until it happens. */
    private static CounterDataPoint[] byStatusClass(Counter requests) {
        CounterDataPoint[] classes = new CounterDataPoint[5];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = requests.labelValues((i + 1) + "xx");
        }
        return classes;
    }

    public void sources(Sources s) {
        this.sources = s;
    }

    /** A request ended (its access-log line is written): status, error code or null, bytes both ways. */
    public void request(int status, String error, long in, long out) {
        int cls = status / 100;
        if (cls >= 1 && cls <= 5) {
            byClass[cls - 1].inc();
        }
        if (error != null) {
            byError.inc(error);
        }
        bytes(bytesIn, in);
        bytes(bytesOut, out);
    }

    private static void bytes(Counter counter, long n) {
        if (n > 0) { // a counter refuses negative increments by throwing, and an event loop must not throw
            counter.inc(n);
        }
    }

    public void connected(long nanos) {
        connect.observe(Unit.nanosToSeconds(nanos));
    }

    public void responseHead(long nanos) {
        headers.observe(Unit.nanosToSeconds(nanos));
    }

    public void upgradeOpened() {
        upgrades.opened();
    }

    public void upgradeClosed() {
        upgrades.closed();
    }

    /** A wake ended: {@code woken}, {@code failed} or {@code limited} (refused by the per-sandbox budget). */
    public void wake(String result, long nanos) {
        wakes.inc(result);
        if (WOKEN.equals(result)) {
            wakeDuration.observe(Unit.nanosToSeconds(nanos));
        }
    }

    /** The lifecycle suspended, stopped or destroyed a sandbox, for {@code reason} (autoStop, ttl, autoDelete). */
    public void lifecycle(String action, String reason) {
        lifecycle.labelValues(action, reason).inc();
    }

    /** A sandbox of {@code kind} was woken from {@code level}. */
    public void wokenFrom(String kind, String level) {
        wokenFrom.labelValues(kind, level).inc();
    }

    /** The levels each kind sleeps at show as 0 from the first scrape. */
    private static Counter wakeLevels(Counter counter) {
        counter.labelValues(SandboxKind.LXC.apiName(), SandboxState.STOPPED);
        for (String level : List.of(SandboxState.PAUSED, SandboxState.HIBERNATED, SandboxState.STOPPED)) {
            counter.labelValues(SandboxKind.VM.apiName(), level);
        }
        return counter;
    }

    /** The pairs that can happen show as 0 from the first scrape, so that a rate sees their first increment. */
    private static Counter lifecycleActions(Counter counter) {
        counter.labelValues(NextAction.PAUSE, NextAction.AUTO_STOP);
        counter.labelValues(NextAction.HIBERNATE, NextAction.AUTO_STOP);
        counter.labelValues(NextAction.SUSPEND, NextAction.AUTO_STOP);
        counter.labelValues(NextAction.STOP, NextAction.AUTO_STOP);
        counter.labelValues(NextAction.STOP, NextAction.TTL);
        counter.labelValues(NextAction.DESTROY, NextAction.TTL);
        counter.labelValues(NextAction.DESTROY, NextAction.AUTO_DELETE);
        return counter;
    }

    /** A request waited for (or was answered during) a wake of its sandbox. */
    public void wokenRequest() {
        wokenRequests.inc();
    }

    @Override
    public MetricSnapshots scrape() {
        return metrics.scrape();
    }
}
