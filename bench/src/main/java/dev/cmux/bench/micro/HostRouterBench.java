package dev.cmux.bench.micro;

import dev.cmux.gateway.route.HostRouter;
import dev.cmux.gateway.route.Route;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** {@link HostRouter#route}: the Host header scan every request pays, on a routed host and on a rejected one. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HostRouterBench {

    @Param({"port-8080-vm-200.bench.test", "PORT-39378-VM-123456.Bench.Test.:443", "www.example.com"})
    public String host;

    private HostRouter router;

    @Setup
    public void setUp() {
        router = new HostRouter(BenchConfig.gateway());
    }

    @Benchmark
    public Route route() {
        return router.route(host);
    }
}
