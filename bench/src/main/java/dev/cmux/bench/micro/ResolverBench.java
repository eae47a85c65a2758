package dev.cmux.bench.micro;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.resolve.BackendResolver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/** {@link BackendResolver#resolve} on a cache hit (a {@code resolver.static} entry): the per-request cost. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolverBench {

    private EventLoopGroup loops;
    private BackendResolver resolver;

    @Setup
    public void setUp() {
        Transport transport = Transport.best();
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
