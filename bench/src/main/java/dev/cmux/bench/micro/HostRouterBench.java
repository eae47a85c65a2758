package dev.cmux.bench.micro;

import dev.cmux.gateway.route.HostRouter;
import dev.cmux.gateway.route.Route;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** {@link HostRouter#route}: the Host header scan every request pays, on a routed host and on a rejected one. */
public class HostRouterBench extends HotPathBench {

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
