package dev.cmux.control.api;

import dev.cmux.control.config.PveConfig;
import dev.cmux.control.doctor.Check;
import dev.cmux.control.doctor.Doctor;
import dev.cmux.control.doctor.PveChecks;
import dev.cmux.control.events.EventLog;
import dev.cmux.control.exec.AgentExec;
import dev.cmux.control.exec.ExecService;
import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.exec.PctExec;
import dev.cmux.control.image.Images;
import dev.cmux.control.lifecycle.NextActions;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.control.sandbox.Operations;
import dev.cmux.control.sandbox.PveAddresses;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.control.sandbox.TaskOperations;
import dev.cmux.control.traffic.TrafficRings;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What the control API drives: the sandbox service, exec, operations, the create rate limit, and
 * the executor all blocking work runs on. Built once by the gateway's {@code Main}:
 * <pre>{@code
 * ControlServices services = ControlServices.create(config.pve(),
 *         SandboxSettings.from(config.pve(), config.domain()), resolver::invalidate);
 * ControlServer.start(config.control(), config.cloudflare(), loops, channelType, services);
 * }</pre>
 * Without PVE ({@link #disabled()}) the sandbox endpoints answer 503 saying which variables to set. The
 * {@code with…} copies share the executor and the PVE client: close one of them, once, after the server.
 */
public final class ControlServices implements AutoCloseable {

    /** At most this many PVE operations and exec calls at once; more are refused with 503 {@code busy}. */
    static final int MAX_BLOCKING = 32;
    /** Default create limit: a burst of 10, then one every 6 s (10 a minute). */
    static final int CREATE_BURST = 10;
    /** How often a VM's guest agent is asked whether a command has exited: it gives no output before. */
    static final Duration AGENT_POLL = Duration.ofMillis(200);
    static final Duration CREATE_REFILL = Duration.ofSeconds(6);

    /** Built once, shared by every {@code with…} copy, closed once. Without PVE only executor and metrics exist. */
    record Parts(PveClient pve, SandboxService sandboxes, ExecService exec, Operations operations,
                 PveAddresses addresses, ExecutorService executor, ControlMetrics metrics, Images images) {
    }

    /** What the gateway adds once its data plane runs: each {@code with…} copy changes one of these. */
    record Wiring(TokenBucket createLimit, ApiHandler tunnel, ApiHandler reload,
                          List<PrometheusSource> metricSources, ActivityView activity, ApiHandler doctor,
                          NextActions nextActions, TrafficRings traffic) {
    }

    private final Parts parts;
    private final Wiring wiring;

    private ControlServices(Parts parts, Wiring wiring) {
        this.parts = parts;
        this.wiring = wiring;
    }

    /** No PVE: sandbox endpoints say 503 {@code pve-not-configured}. */
    public static ControlServices disabled() {
        return new ControlServices(new Parts(null, null, null, null, null, blockingExecutor(),
                new ControlMetrics(), null), new Wiring(null, null, null, List.of(), ActivityView.NONE, null,
                NextActions.NONE, null));
    }

    /**
     * Services for {@code pve} (must be {@link PveConfig#enabled()}), with {@code pct} looked up on {@code PATH}
     * for the exec fallback.
     */
    public static ControlServices create(PveConfig pve, SandboxSettings settings, ResolverInvalidation invalidation) {
        return create(pve, settings, invalidation, PctExec.find(null, System.getenv("PATH")), Clock.systemUTC());
    }

    public static ControlServices create(PveConfig pve, SandboxSettings settings, ResolverInvalidation invalidation,
                                         Optional<PctExec> pct, Clock clock) {
        if (!pve.enabled()) {
            return disabled();
        }
        PveClient client = PveClient.create(pve);
        ExecdClient execd = new ExecdClient(settings.execdPort());
        SandboxService sandboxes = new SandboxService(client, settings, execd, invalidation, clock);
        ExecutorService executor = blockingExecutor();
        Images images = Images.create(client, pve, sandboxes, invalidation, Poller.SYSTEM, clock);
        TaskOperations fromPve = new TaskOperations(client, sandboxes, clock, images.templates()::madeFrom);
        return new ControlServices(new Parts(client, sandboxes, new ExecService(execd,
                pct.map(p -> p.onNode(NodeLocator.thisNode(settings.node()))),
                ExecService.DEFAULT_OUTPUT_CAP, Optional.of(new AgentExec(client, Poller.SYSTEM, AGENT_POLL))),
                new Operations(clock, new EventLog(clock), fromPve::read),
                new PveAddresses(client, settings.node(), executor), executor, new ControlMetrics(), images),
                new Wiring(new TokenBucket(CREATE_BURST, CREATE_REFILL), null, null, List.of(), ActivityView.NONE,
                        null, NextActions.NONE, null));
    }

    /** The same services with another create limit: {@code burst} at once, then one per {@code refillEvery}. */
    public ControlServices withCreateRateLimit(int burst, Duration refillEvery) {
        return new ControlServices(parts, new Wiring(new TokenBucket(burst, refillEvery), wiring.tunnel(),
                wiring.reload(), wiring.metricSources(), wiring.activity(), wiring.doctor(), wiring.nextActions(),
                wiring.traffic()));
    }

    /** The same services with {@code /v1/tunnel/*} answered by {@code handler} (behind the bearer token). */
    public ControlServices withTunnel(ApiHandler handler) {
        return new ControlServices(parts, new Wiring(wiring.createLimit(), handler, wiring.reload(),
                wiring.metricSources(), wiring.activity(), wiring.doctor(), wiring.nextActions(),
                wiring.traffic()));
    }

    /**
     * The same services with {@code POST /v1/reload} (behind the bearer token) running {@code reload}, which
     * returns the problems that kept the running config (none: reloaded). It reads a file, so it runs off the loop.
     */
    public ControlServices withReload(Supplier<List<String>> reload) {
        ApiHandler handler = new OffLoop(parts.executor(), exchange -> {
            List<String> problems = reload.get();
            if (!problems.isEmpty()) {
                throw ApiError.badRequest("config-invalid", "The config file was not taken; the running config "
                        + "stays.", Map.of("problems", problems));
            }
            exchange.respond(HttpResponseStatus.OK, Map.of("reloaded", true));
        });
        return new ControlServices(parts, new Wiring(wiring.createLimit(), wiring.tunnel(), handler,
                wiring.metricSources(), wiring.activity(), wiring.doctor(), wiring.nextActions(),
                wiring.traffic()));
    }

    /** The same services with {@code lastActivity} in sandbox views read from {@code view} (the data plane). */
    public ControlServices withActivity(ActivityView view) {
        return new ControlServices(parts, new Wiring(wiring.createLimit(), wiring.tunnel(), wiring.reload(),
                wiring.metricSources(), view, wiring.doctor(), wiring.nextActions(),
                wiring.traffic()));
    }

    /** The same services with {@code nextAction} in sandbox views read from {@code plan} (the lifecycle). */
    public ControlServices withNextActions(NextActions plan) {
        return new ControlServices(parts, new Wiring(wiring.createLimit(), wiring.tunnel(), wiring.reload(),
                wiring.metricSources(), wiring.activity(), wiring.doctor(), plan, wiring.traffic()));
    }

    /** The same services with {@code source} (e.g. the data plane's counters) appended to {@code GET /metrics}. */
    public ControlServices withMetrics(PrometheusSource source) {
        List<PrometheusSource> sources = new ArrayList<>(wiring.metricSources());
        sources.add(source);
        return new ControlServices(parts, new Wiring(wiring.createLimit(), wiring.tunnel(), wiring.reload(),
                List.copyOf(sources), wiring.activity(), wiring.doctor(), wiring.nextActions(),
                wiring.traffic()));
    }

    /** The same services with {@code GET /v1/doctor} (behind the bearer token) running {@code doctor} off the loop. */
    public ControlServices withDoctor(Doctor doctor) {
        return new ControlServices(parts, new Wiring(wiring.createLimit(), wiring.tunnel(), wiring.reload(),
                wiring.metricSources(), wiring.activity(), new OffLoop(parts.executor(), new DoctorHandler(doctor)),
                wiring.nextActions(), wiring.traffic()));
    }

    /** The same services with {@code GET /v1/traffic} (behind the bearer token) reading {@code traffic}. */
    public ControlServices withTraffic(TrafficRings traffic) {
        return new ControlServices(parts, new Wiring(wiring.createLimit(), wiring.tunnel(), wiring.reload(),
                wiring.metricSources(), wiring.activity(), wiring.doctor(), wiring.nextActions(), traffic));
    }

    /** Wakes, sleeps and finished operations, for {@code GET /v1/events}; empty without PVE. */
    public Optional<EventLog> events() {
        return Optional.ofNullable(parts.operations()).map(Operations::events);
    }

    /** The PVE part of {@code doctor}, on this services' PVE client; empty without PVE. */
    public Optional<Check> pveCheck(PveConfig config) {
        return parts.pve() == null ? Optional.empty() : Optional.of(new PveChecks(parts.pve(), config));
    }

    private static ExecutorService blockingExecutor() {
        AtomicInteger n = new AtomicInteger();
        // no queue: a request either gets a thread now or a 503, never waits behind slow PVE tasks unseen
        return new ThreadPoolExecutor(0, MAX_BLOCKING, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "cmux-control-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public boolean pveEnabled() {
        return parts.sandboxes() != null;
    }

    public SandboxService sandboxes() {
        return parts.sandboxes();
    }

    /** Presets, templates and snapshots; null without PVE. */
    public Images images() {
        return parts.images();
    }

    /**
     * PVE as the authority on sandbox addresses for the gateway's resolver ({@code services.pveAddresses()::addressesOf}
     * fits its {@code AddressAuthority}); empty without PVE.
     */
    public Optional<PveAddresses> pveAddresses() {
        return Optional.ofNullable(parts.addresses());
    }

    Parts parts() {
        return parts;
    }

    Wiring wiring() {
        return wiring;
    }

    /** The control plane's own counters, the JVM's, then the added sources. */
    List<PrometheusSource> metricSources() {
        List<PrometheusSource> all = new ArrayList<>();
        all.add(parts.metrics());
        all.add(JvmMetricsSource.SOURCE);
        all.addAll(wiring.metricSources());
        return all;
    }

    @Override
    public void close() {
        parts.executor().shutdownNow();
        if (parts.pve() != null) {
            parts.pve().close();
        }
    }
}
