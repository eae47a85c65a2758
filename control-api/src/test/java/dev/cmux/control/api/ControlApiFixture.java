package dev.cmux.control.api;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.image.Preset;
import dev.cmux.control.image.PresetVersion;
import dev.cmux.control.exec.ExecdServer;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.SandboxSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A control API on loopback in front of a {@link PveEmulator} (template 9000, fast tasks, containers at 127.0.0.1)
 * and an {@link ExecdServer}: the whole sandbox stack for tests here and in the gateway module.
 */
public final class ControlApiFixture implements AutoCloseable {

    public static final String TOKEN = "test-control-token";
    public static final int TEMPLATE = 9000;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final PveEmulator pve = PveEmulator.start();
    private final ExecdServer execd = ExecdServer.start();
    private final ControlServices services;
    private final ControlServer server;
    private final ContractTap.Log contract = new ContractTap.Log();

    private ControlApiFixture(String domain, boolean waitForExecd, ResolverInvalidation invalidation)
            throws InterruptedException {
        pve.seedTemplate(TEMPLATE);
        pve.taskDuration(Duration.ofMillis(30));
        pve.containerAddress("127.0.0.1");
        SandboxSettings settings = SandboxSettings.defaults(domain, TEMPLATE)
                .withNode(pve.node()) // the gateway runs on the emulated node: pct reaches its containers
                .withPolling(Duration.ofMillis(15), Duration.ofSeconds(10))
                .withExecd(execd.port(), waitForExecd);
        services = ControlServices.create(pve.config(TEMPLATE), settings, invalidation, Optional.empty(),
                Clock.systemUTC());
        server = serve(services, CloudflareConfig.defaults());
    }

    public static ControlApiFixture start(String domain, boolean waitForExecd, ResolverInvalidation invalidation) {
        try {
            return new ControlApiFixture(domain, waitForExecd, invalidation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Another control API on the same loops, driving {@code other} services. Its answers are held against the OpenAPI
     * document as they are written ({@link ContractTap}); {@link #close()} fails on any the document does not allow.
     */
    public ControlServer serve(ControlServices other, CloudflareConfig cloudflare) throws InterruptedException {
        return ControlServer.start(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), TOKEN), cloudflare, loops,
                NioServerSocketChannel.class, other, () -> new ContractTap(contract));
    }

    /** What the servers of this fixture answered, held against the OpenAPI document. */
    ContractTap.Log contract() {
        return contract;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.address().getPort();
    }

    /** The emulator's config with one preset more: {@code small} (2 vCPU, 1 GiB, 12 GiB), version 1 the template. */
    PveConfig configWithSmallPreset() {
        PveConfig base = pve.config(TEMPLATE);
        return new PveConfig(URI.create(pve.url()), PveEmulator.TOKEN, base.node(), TEMPLATE, true, pve.fingerprint(),
                null, "auto", List.of(new Preset("small", "2 vCPU, 1 GiB", 2, 1024, 12,
                        List.of(new PresetVersion(1, TEMPLATE, null, null, false)))));
    }

    public PveEmulator pve() {
        return pve;
    }

    public ExecdServer execd() {
        return execd;
    }

    public SandboxSettings settings() {
        return services.sandboxes().settings();
    }

    public ControlServices services() {
        return services;
    }

    public ControlServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        services.close();
        execd.close();
        pve.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        if (!contract.violations().isEmpty()) {
            throw new AssertionError("answers the OpenAPI document (control-api/src/main/resources/openapi.json) does "
                    + "not allow:\n" + String.join("\n", contract.violations()));
        }
    }
}
