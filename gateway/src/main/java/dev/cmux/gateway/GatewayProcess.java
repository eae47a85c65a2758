package dev.cmux.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.cmux.control.api.ControlServer;
import dev.cmux.control.api.ControlServices;
import dev.cmux.control.api.TunnelHandler;
import dev.cmux.control.cloudflare.GatewayReload;
import dev.cmux.control.cloudflare.PublishedControlApi;
import dev.cmux.control.cloudflare.TunnelCommand;
import dev.cmux.control.config.HostPort;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.control.traffic.TrafficRings;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.doctor.GatewayDoctor;
import dev.cmux.gateway.config.RoutingConfig;
import dev.cmux.gateway.log.AccessLogWriter;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.server.GatewayServer;
import dev.cmux.gateway.resolve.AddressAuthority;
import dev.cmux.gateway.resolve.SandboxNames;
import dev.cmux.gateway.resolve.SandboxSuffix;
import dev.cmux.gateway.resolve.SuffixSource;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.wake.SandboxPower;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The running gateway: the data plane, the control API and the sandbox services wired together. PVE, when
 * configured, supplies what DNS cannot (the suffix of sandbox names, their addresses), and the control API tells
 * the data plane's resolver when a sandbox is created or destroyed.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("cmux-gateway");

    final GatewayServer gateway;
    final ControlServer control;
    /** Re-reads the config file (SIGHUP, POST /v1/reload); returns the problems that kept the running one. */
    final Supplier<List<String>> reload;
    private final ControlServices services;
    /** Wake-on-HTTP and the lifecycle; a test runs a lifecycle pass through it. */
    final SandboxPower power;
    private final AccessLogWriter accessLog;

    private GatewayProcess(GatewayServer gateway, ControlServer control, ControlServices services, SandboxPower power,
                           AccessLogWriter accessLog, Supplier<List<String>> reload) {
        this.reload = reload;
        this.gateway = gateway;
        this.control = control;
        this.services = services;
        this.power = power;
        this.accessLog = accessLog;
    }

    /**
     * Binds both listeners; on failure everything started so far is closed again and the cause thrown.
     *
     * @param reload what {@code POST /v1/reload} runs once started (the same as SIGHUP); its problems, or none
     */
    static GatewayProcess start(GatewayConfig config, Transport transport,
                                Function<GatewayServer, Supplier<List<String>>> reload) throws StartFailure {
        return start(config, transport, null, reload, Clock.systemUTC(), Ticker.systemTicker());
    }

    /** @param configFile the file {@code config} came from, where {@code POST /v1/tunnel/setup} writes Access */
    static GatewayProcess start(GatewayConfig config, Transport transport, Path configFile,
                                Function<GatewayServer, Supplier<List<String>>> reload) throws StartFailure {
        return start(config, transport, configFile, reload, Clock.systemUTC(), Ticker.systemTicker());
    }

    /** @param clock the time of sandbox traffic, idleness and the lifecycle (tests move their own) */
    static GatewayProcess start(GatewayConfig config, Transport transport,
                                Function<GatewayServer, Supplier<List<String>>> reload, Clock clock)
            throws StartFailure {
        return start(config, transport, null, reload, clock, Ticker.systemTicker());
    }

    /** @param resolverTicker the time of the resolver's TTLs and refreshes (tests move their own) */
    static GatewayProcess start(GatewayConfig config, Transport transport,
                                Function<GatewayServer, Supplier<List<String>>> reload, Clock clock,
                                Ticker resolverTicker) throws StartFailure {
        return start(config, transport, null, reload, clock, resolverTicker);
    }

    private static GatewayProcess start(GatewayConfig config, Transport transport, Path configFile,
                                        Function<GatewayServer, Supplier<List<String>>> reload, Clock clock,
                                        Ticker resolverTicker) throws StartFailure {
        AtomicReference<GatewayServer> dataPlane = new AtomicReference<>();
        SandboxSettings settings = SandboxSettings.from(config.pve(), config.domain())
                .withDefaultTtl(config.lifecycle().ttl()).withNaming(config.sandboxes().naming());
        ControlServices services = ControlServices.create(config.pve(), settings, new ResolverInvalidation() {
            @Override
            public void invalidate(int vmid) {
                GatewayServer g = dataPlane.get();
                if (g != null) {
                    g.invalidate(vmid);
                }
            }

            @Override
            public void running(int vmid, String address) {
                GatewayServer g = dataPlane.get();
                if (g != null) {
                    g.running(vmid, address);
                }
            }
        });
        AddressAuthority fromPve = services.pveAddresses().<AddressAuthority>map(a -> a::addressesOf).orElse(null);
        SandboxNames.Directory namesFromPve = services.pveAddresses().<SandboxNames.Directory>map(
                a -> a::sandboxNames).orElse(null);
        Supplier<GatewayConfig> running = () -> dataPlane.get() == null ? config : dataPlane.get().config();
        SandboxPower power = SandboxPower.create(services, new GatewayMetrics(), running, clock);
        AccessLogWriter accessLog = AccessLogWriter.toStandardOutput();
        TrafficRings traffic = GatewayError.trafficRings(clock);
        GatewayServer gateway;
        try {
            gateway = GatewayServer.start(config, transport, accessLog, power.links(fromPve, suffixes(services))
                    .withResolverTicker(resolverTicker).withNames(namesFromPve).withTrafficRings(traffic));
        } catch (Exception e) {
            accessLog.close();
            power.close();
            services.close();
            throw new StartFailure("cannot listen on " + hostPort(config.listen()) + ": " + e.getMessage());
        }
        dataPlane.set(gateway);
        power.startLifecycle();
        String origin = new HostPort(config.listen().getHostString(), gateway.address().getPort()).toString();
        Supplier<List<String>> reloader = reload.apply(gateway);
        GatewayReload reloadForSetup = () -> {
            List<String> problems = reloader.get();
            return problems.isEmpty() ? "the gateway reloaded its config."
                    : "the gateway did not take its config: " + String.join("; ", problems);
        };
        ControlServices withTunnel = config.cloudflare().enabled() ? services.withTunnel(TunnelHandler.create(
                new TunnelCommand.Settings(config.cloudflare(), origin, configFile, reloadForSetup,
                        new PublishedControlApi.Endpoint(hostPort(config.control().listen()),
                                config.control().hasToken()), NodeLocator.thisNode(config.pve().node())), services))
                : services;
        withTunnel = withTunnel.withMetrics(gateway.metrics()).withReload(reloader).withActivity(power.activity())
                .withNextActions(power.nextActions())
                .withDoctor(GatewayDoctor.of(running, services, gateway, origin)).withTraffic(traffic);
        try {
            ControlServer control = ControlServer.start(config.control(), config.cloudflare(), gateway.eventLoops(),
                    transport.serverChannel(), withTunnel);
            return new GatewayProcess(gateway, control, services, power, accessLog, reloader);
        } catch (Exception e) {
            gateway.close();
            accessLog.close();
            power.close();
            services.close();
            throw new StartFailure("cannot listen on " + hostPort(config.control().listen()) + " (control API): "
                    + e.getMessage());
        }
    }

    private static String hostPort(java.net.InetSocketAddress address) {
        return new HostPort(address.getHostString(), address.getPort()).toString(); // [::1]:8080 for IPv6
    }

    /**
     * {@code routing.suffix: auto} asks PVE's DNS settings first (DESIGN.md "Resolution"), then /etc/resolv.conf;
     * the data plane asks at start and at every reload alike.
     */
    private static SuffixSource suffixes(ControlServices services) {
        if (services.pveAddresses().isEmpty()) {
            return SuffixSource.LOCAL;
        }
        return configured -> {
            if (!RoutingConfig.AUTO_SUFFIX.equals(configured)) {
                return SuffixSource.LOCAL.suffixFor(configured);
            }
            try {
                Optional<String> search = services.pveAddresses().get().searchDomain().get(5, TimeUnit.SECONDS);
                if (search.isPresent() && !search.get().isBlank()) {
                    LOG.info("sandbox names end in ." + search.get() + " (PVE node DNS search domain)");
                    return SandboxSuffix.of(search.get());
                }
            } catch (Exception e) {
                LOG.warning("PVE did not say its DNS search domain (" + e.getMessage() + "); using /etc/resolv.conf");
            }
            return SuffixSource.LOCAL.suffixFor(configured);
        };
    }

    /** Stops accepting on both listeners, lets requests in flight finish, then closes everything. */
    @Override
    public void close() {
        control.close();
        power.close();
        gateway.close();
        accessLog.close(); // after the requests in flight: their lines are written too
        services.close();
    }

    static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message, null, false, false);
        }
    }
}
