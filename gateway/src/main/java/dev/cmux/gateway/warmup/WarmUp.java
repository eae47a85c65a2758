package dev.cmux.gateway.warmup;

import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.PortRange;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.log.AccessLogSink;
import dev.cmux.gateway.server.GatewayServer;
import dev.cmux.gateway.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the request path through before the first visitor does. A JVM just started interprets, loads classes and
 * links lambdas on first use: the first request after a start took 100-130 ms, the next ones a millisecond or more
 * (issue #23). The warm-up runs beside the rest of the start, and the gateway listens once both are done. It sends
 * requests of every shape — a small body, a chunked one, a posted body, a WebSocket upgrade and its frames, the
 * no-route page, the page of a sandbox that refuses the connection — through a second data plane of the same code,
 * on loopback ports of its own, to a loopback app of its own; it shares classes and compiled code with the real
 * listener and nothing else: not its config, metrics, access log, traffic counts or resolver.
 * {@code cmux-gateway warm-up} runs it too, after starting a gateway of its own: the training run of the class-data
 * archive the launcher keeps ({@code TrainingRun}, README "Cold start").
 */
public final class WarmUp {

    private static final Logger LOG = Logger.getLogger("cmux-gateway");
    /** The training run of the class-data archive ({@code cmux-gateway warm-up}): C1 and most of C2 see the path. */
    public static final int ROUNDS = 300;
    /**
     * The rounds run beside a start, before listening: as many as keep listening under a second on two cores. With
     * 30, the first request after a start took 17 ms (the median of 4 starts) and requests 2-100 0.7-1.7 ms, against
     * 52 ms and 1.2-3.3 ms with the warm-up after listening; listening came at 975 ms instead of 666 ms. 60 rounds gave
     * 10 ms and 0.5-0.6 ms but listened at 1,156 ms (bench/results/2026-12-07-cold-beside.md).
     */
    public static final int ROUNDS_BESIDE_THE_START = 30;
    private static final int VMID = 100;
    private static final String DOMAIN = "warm-up.invalid";

    private WarmUp() {
    }

    /** What the warm-up saw: the number of answers by status. */
    public record Result(Map<Integer, Integer> statuses, long millis) {
    }

    /**
     * Starts {@code rounds} rounds on a daemon thread of its own, so that the rest of the start (reading the config,
     * the control API, PVE) goes on beside it on the other core.
     */
    public static CompletableFuture<Result> begin(Transport transport, int rounds) {
        CompletableFuture<Result> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                done.complete(run(transport, rounds));
            } catch (Exception | LinkageError e) {
                done.completeExceptionally(e);
            }
        }, "warm-up");
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /**
     * Waits for a warm-up begun beside the start, at most {@code budget}, and logs how it went. Listening never
     * depends on it: a warm-up that failed, or is still running past the budget (it then goes on in the background),
     * is logged and the first requests are served cold.
     *
     * @return what it saw, when it ended well within the budget
     */
    public static Optional<Result> awaitBeforeListening(CompletableFuture<Result> warmUp, Duration budget) {
        try {
            Result r = warmUp.get(budget.toMillis(), TimeUnit.MILLISECONDS);
            // its garbage fills the young generation, whose first collection paused 20-30 ms here: collected now,
            // before listening, not in the middle of one of the first requests (bench/results/*-cold-beside.md)
            System.gc();
            LOG.info("warmed up the request path in " + r.millis() + " ms (" + r.statuses() + " by status)");
            return Optional.of(r);
        } catch (TimeoutException e) {
            LOG.warning("the warm-up is still running after " + budget.toMillis()
                    + " ms; listening now, the first requests are served cold");
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "the warm-up failed; the first requests are served cold", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** Runs {@code rounds} rounds of every shape and stops everything it started. */
    public static Result run(Transport transport, int rounds) throws Exception {
        long start = System.nanoTime();
        Map<Integer, Integer> statuses = new TreeMap<>();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("warm-up-app", true),
                transport.ioHandlerFactory());
        try (WarmUpBackend app = WarmUpBackend.start(loop, transport)) {
            int refused = closedPort();
            // traffic counts of its own: the real listener's first request then meets their code run through too
            GatewayServer gateway = GatewayServer.start(config(app.port(), refused), transport,
                    AccessLogSink.DISCARD, DataPlaneLinks.standalone().withTrafficRings(
                            GatewayError.trafficRings(Clock.systemUTC())));
            try (PlainVisitor client = new PlainVisitor(gateway.address())) {
                String sandbox = "port-" + app.port() + "-vm-" + VMID + "." + DOMAIN;
                for (int i = 0; i < rounds; i++) {
                    count(statuses, client.request("GET", sandbox, "/small?round=" + i, null));
                    count(statuses, client.request("GET", sandbox, "/chunked", null));
                    count(statuses, client.request("POST", sandbox, "/echo", "round " + i));
                    count(statuses, client.request("GET", "unknown." + DOMAIN, "/", null));
                    if (i % 10 == 0) {
                        count(statuses, client.request("GET", "port-" + refused + "-vm-" + VMID + "." + DOMAIN,
                                "/", null));
                        String echoed = client.webSocket(sandbox, "/ws", "round " + i);
                        count(statuses, echoed.equals("round " + i) ? 101 : -1);
                    }
                }
            } finally {
                gateway.close();
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        return new Result(statuses, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Loopback only, one sandbox at 127.0.0.1 and only the app's port and a closed one routed. */
    private static GatewayConfig config(int appPort, int refusedPort) throws IOException {
        return GatewayConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .domain(DOMAIN)
                .suffix("")
                .putStatic(VMID, InetAddress.getByName("127.0.0.1"))
                .allowedNetworks(List.of(Cidr.parse("127.0.0.1/32")))
                .allowedPorts(List.of(new PortRange(appPort, appPort), new PortRange(refusedPort, refusedPort)))
                .build();
    }

    /** A loopback port nothing listens on: the sandbox app that is not up yet. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void count(Map<Integer, Integer> statuses, int status) {
        statuses.merge(status, 1, Integer::sum);
    }
}
