package dev.cmux.bench.micro;

import dev.cmux.bench.BenchTransport;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.resolve.BackendResolver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/** {@link BackendResolver#resolve} on a cache hit (a {@code resolver.static} entry): the per-request cost. */
public class ResolverBench extends HotPathBench {

    private EventLoopGroup loops;
    private BackendResolver resolver;

    @Setup
    public void setUp() {
        Transport transport = BenchTransport.get();
        loops = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        resolver = BackendResolver.create(BenchConfig.gateway(), loops, transport.datagramChannel());
        resolver.resolve(BenchConfig.VMID).join(); // the first call loads; every measured one hits
    }

    @TearDown
    public void tearDown() {
        resolver.close();
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Benchmark
    public InetAddress cacheHit() {
        return resolver.resolve(BenchConfig.VMID).join();
    }
}
