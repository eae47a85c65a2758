package dev.cmux.control.api;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's and the process's metrics: the library's set, and the three names {@code /metrics} showed before it
 * (dashboards may read them). Registered once per process, into the library's default registry, at the first
 * scrape: registering starts JMX, some 200 classes a start need not load before it listens (issue #23).
 */
final class JvmMetricsSource {

    /** Scrapes the JVM's metrics, registering them first when this is the first scrape. */
    static final PrometheusSource SOURCE = () -> Registered.SOURCE.scrape();

    /** Initialized by the JVM on first use, once: the holder of the registered set. */
    private static final class Registered {
        static final PrometheusSource SOURCE = register(PrometheusRegistry.defaultRegistry);
    }

    private JvmMetricsSource() {
    }

    private static PrometheusSource register(PrometheusRegistry registry) {
        JvmMetrics.builder().register(registry);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        MetricSet metrics = new MetricSet(registry);
        metrics.gauge("jvm_memory_heap_used_bytes", "Heap in use.", () -> memory.getHeapMemoryUsage().getUsed());
        metrics.gauge("jvm_threads_live", "Live threads.", threads::getThreadCount);
        metrics.gauge("process_uptime_seconds", "Seconds since the JVM started.", () -> runtime.getUptime() / 1000);
        return metrics;
    }
}
