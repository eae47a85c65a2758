package dev.cmux.gateway.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.server.GatewayServer;
import dev.cmux.gateway.transport.Transport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A gateway started in this JVM on a free loopback port, the way {@code Main} starts it, with the domain
 * {@value #DOMAIN}, a loopback DNS server of its own, and loopback allowed as a backend network (the backends of
 * the tests listen there). Every access-log line is kept for assertions.
 */
public final class GatewayUnderTest implements AutoCloseable {

    public static final String DOMAIN = "sandbox.test";

    private final GatewayServer server;
    private final TinyDnsServer dns;
    private final List<String> accessLog;

    private GatewayUnderTest(GatewayServer server, TinyDnsServer dns, List<String> accessLog) {
        this.server = server;
        this.dns = dns;
        this.accessLog = accessLog;
    }

    /** A gateway whose sandboxes {@code vmid -> 127.0.0.1} are given by {@code loopbackVmids}. */
    public static GatewayUnderTest start(Transport transport, UnaryOperator<GatewayConfig> customize,
                                         int... loopbackVmids) throws Exception {
        return start(transport, customize, Ticker.systemTicker(), loopbackVmids);
    }

    /** As {@link #start(Transport, UnaryOperator, int...)}, the resolver's TTLs on a ticker the test moves. */
    public static GatewayUnderTest start(Transport transport, UnaryOperator<GatewayConfig> customize,
                                         Ticker resolverTicker, int... loopbackVmids) throws Exception {
        return start(transport, customize, DataPlaneLinks.standalone().withResolverTicker(resolverTicker),
                loopbackVmids);
    }

    /** As {@link #start(Transport, UnaryOperator, int...)}, linked to {@code links} (e.g. PVE's sandbox names). */
    public static GatewayUnderTest start(Transport transport, UnaryOperator<GatewayConfig> customize,
                                         DataPlaneLinks links, int... loopbackVmids) throws Exception {
        TinyDnsServer dns = new TinyDnsServer();
        Map<Integer, InetAddress> statics = new HashMap<>();
        for (int vmid : loopbackVmids) {
            statics.put(vmid, InetAddress.getLoopbackAddress());
        }
        GatewayConfig config = customize.apply(GatewayConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .domain(DOMAIN)
                .suffix(".lan")
                .statics(statics)
                .allowNetwork(Cidr.parse("127.0.0.1/32"))
                .nameservers(List.of(dns.address()))
                .build());
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            return new GatewayUnderTest(GatewayServer.start(config, transport, log::add, links), dns, log);
        } catch (Exception e) {
            dns.close();
            throw e;
        }
    }

    public static GatewayUnderTest start(Transport transport, int... loopbackVmids) throws Exception {
        return start(transport, c -> c, loopbackVmids);
    }

    /**
     * The transports the relay and streaming tests run on: NIO always, epoll and io_uring where their native
     * libraries load and the kernel allows them.
     */
    public static List<Transport> transports() {
        List<Transport> all = new ArrayList<>(List.of(Transport.NIO));
        if (Epoll.isAvailable()) {
            all.add(Transport.EPOLL);
        }
        if (IoUring.isAvailable()) {
            all.add(Transport.IO_URING);
        }
        return all;
    }

    public int port() {
        return server.address().getPort();
    }

    public TinyDnsServer dns() {
        return dns;
    }

    public List<String> accessLog() {
        return accessLog;
    }

    /** The access log once it has {@code lines} lines: a line is written when a request ends, just after its response. */
    public List<String> accessLog(int lines) throws Exception {
        Await.until(() -> accessLog.size() >= lines, lines + " access-log lines; so far " + accessLog);
        return accessLog;
    }

    public GatewayServer server() {
        return server;
    }

    public static String host(int port, int vmid) {
        return "port-" + port + "-vm-" + vmid + "." + DOMAIN;
    }

    /** A request to the gateway that says it is for {@code host}. */
    public HttpRequest.Builder request(String host, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header("Host", host)
                .timeout(Duration.ofSeconds(60));
    }

    /** An HTTP/1.1 client; the build lets it set {@code Host} (jdk.httpclient.allowRestrictedHeaders). */
    public static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void close() {
        server.close();
        dns.close();
    }
}
