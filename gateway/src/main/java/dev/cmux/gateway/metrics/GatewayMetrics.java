package dev.cmux.gateway.metrics;

import dev.cmux.control.api.PrometheusSource;
import io.netty.buffer.PooledByteBufAllocator;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The data plane's counters, appended to the control API's {@code GET /metrics} in the Prometheus text format.
 * Recorded on event loops with adders (no locks, no allocation per request); read only when scraped. There are no
 * per-sandbox labels: vmids and ports are unbounded, and a scrape must stay small.
 */
public final class GatewayMetrics implements PrometheusSource {

    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
        new LongAdder()};
    private final ConcurrentHashMap<String, LongAdder> byError = new ConcurrentHashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder upgrades = new LongAdder();
    private final AtomicLong upgradedOpen = new AtomicLong();
    private final LatencyHistogram connect = new LatencyHistogram("cmux_gateway_upstream_connect_seconds",
            "Time to open a new connection to a sandbox or upstream.");
    private final LatencyHistogram headers = new LatencyHistogram("cmux_gateway_upstream_response_header_seconds",
            "Time from the request sent to the response head received.");
    private final ConcurrentHashMap<String, LongAdder> wakes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> idled = new ConcurrentHashMap<>();
    private final LongAdder wokenRequests = new LongAdder();
    private final LatencyHistogram wakeDuration = new LatencyHistogram("cmux_gateway_wake_duration_seconds",
            "Time from a wake's start to the sandbox running with an address (PVE start or resume).");
    private volatile Sources sources = new Sources(() -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0);

    /** Gauges read from their owners at scrape time. */
    public record Sources(LongSupplier openConnections, LongSupplier pooledIdle, LongSupplier resolverHits,
                          LongSupplier resolverMisses, LongSupplier resolverEvictions, LongSupplier resolverSize) {
    }

    public void sources(Sources s) {
        this.sources = s;
    }

    /** A request ended (its access-log line is written): status, error code or null, bytes both ways. */
    public void request(int status, String error, long in, long out) {
        int cls = status / 100;
        if (cls >= 1 && cls <= 5) {
            byClass[cls - 1].increment();
        }
        if (error != null) {
            byError.computeIfAbsent(error, e -> new LongAdder()).increment();
        }
        bytesIn.add(in);
        bytesOut.add(out);
    }

    public void connected(long nanos) {
        connect.record(nanos);
    }

    public void responseHead(long nanos) {
        headers.record(nanos);
    }

    public void upgradeOpened() {
        upgrades.increment();
        upgradedOpen.incrementAndGet();
    }

    public void upgradeClosed() {
        upgradedOpen.decrementAndGet();
    }

    /** A wake ended: {@code woken}, {@code failed} or {@code limited} (refused by the per-sandbox budget). */
    public void wake(String result, long nanos) {
        wakes.computeIfAbsent(result, r -> new LongAdder()).increment();
        if ("woken".equals(result)) {
            wakeDuration.record(nanos);
        }
    }

    /** The idle policy suspended or stopped a sandbox. */
    public void idled(String action) {
        idled.computeIfAbsent(action, a -> new LongAdder()).increment();
    }

    /** A request waited for (or was answered during) a wake of its sandbox. */
    public void wokenRequest() {
        wokenRequests.increment();
    }

    @Override
    public void appendTo(StringBuilder out) {
        Sources s = sources;
        out.append("# HELP cmux_gateway_requests_total Requests answered, by status class.\n")
                .append("# TYPE cmux_gateway_requests_total counter\n");
        for (int i = 0; i < byClass.length; i++) {
            out.append("cmux_gateway_requests_total{class=\"").append(i + 1).append("xx\"} ").append(byClass[i].sum())
                    .append('\n');
        }
        labelled(out, "cmux_gateway_errors_total", "Answers the gateway made itself, by X-Gateway-Error code.", "code",
                byError);
        counter(out, "cmux_gateway_received_bytes_total", "Request body bytes and upgraded bytes from clients.",
                bytesIn.sum());
        counter(out, "cmux_gateway_sent_bytes_total", "Response body bytes and upgraded bytes to clients.",
                bytesOut.sum());
        counter(out, "cmux_gateway_upgrades_total", "Connections upgraded (WebSocket and others).", upgrades.sum());
        gauge(out, "cmux_gateway_upgraded_connections", "Upgraded connections open now.", upgradedOpen.get());
        gauge(out, "cmux_gateway_client_connections", "Client connections open now, upgraded ones included.",
                s.openConnections().getAsLong());
        gauge(out, "cmux_gateway_pool_idle_connections", "Idle keep-alive connections to backends.",
                s.pooledIdle().getAsLong());
        counter(out, "cmux_gateway_resolver_hits_total", "Sandbox address lookups answered from the cache.",
                s.resolverHits().getAsLong());
        counter(out, "cmux_gateway_resolver_misses_total", "Sandbox address lookups that asked a source.",
                s.resolverMisses().getAsLong());
        counter(out, "cmux_gateway_resolver_evictions_total", "Cached sandbox addresses dropped.",
                s.resolverEvictions().getAsLong());
        gauge(out, "cmux_gateway_resolver_entries", "Sandbox addresses cached now.", s.resolverSize().getAsLong());
        connect.appendTo(out);
        headers.appendTo(out);
        labelled(out, "cmux_gateway_wakes_total", "Wakes of stopped sandboxes, by result.", "result", wakes);
        wakeDuration.appendTo(out);
        counter(out, "cmux_gateway_woken_requests_total", "Requests that waited for a wake or got the starting page.",
                wokenRequests.sum());
        labelled(out, "cmux_gateway_idle_actions_total", "Idle sandboxes suspended or stopped, by action.", "action",
                idled);
        gauge(out, "cmux_gateway_netty_direct_memory_bytes", "Direct memory held by Netty's pooled allocator.",
                PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        gauge(out, "jvm_memory_heap_used_bytes", "Heap in use.", memory.getHeapMemoryUsage().getUsed());
        gauge(out, "jvm_threads_live", "Live threads.", ManagementFactory.getThreadMXBean().getThreadCount());
        gauge(out, "process_uptime_seconds", "Seconds since the JVM started.",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    }

    private static void labelled(StringBuilder out, String name, String help, String label,
                                 Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(values).forEach((value, n) -> out.append(name).append('{').append(label).append("=\"")
                .append(value).append("\"} ").append(n.sum()).append('\n'));
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "counter", value);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "gauge", value);
    }

    private static void metric(StringBuilder out, String name, String help, String type, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value).append('\n');
    }
}
