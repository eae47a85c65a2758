package dev.cmux.control.pve;

import dev.cmux.control.config.PveConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A Proxmox VE API on loopback HTTPS, as strict as pve-api.md describes the real one: token auth with an empty 401,
 * one node ({@link #start()}) or a cluster of several ({@link #startCluster}) whose every node answers every path, as
 * pveproxy forwards a call to the node it names (docs/pve-cluster.md),
 * every request checked against the schema excerpt ({@link PveSchema}; a mismatch is answered like PVE answers it
 * and recorded in {@link #violations()}, which tests require to be empty), error messages in the reason phrase,
 * numbers as strings where PVE sends strings, locks, and tasks that take time.
 *
 * <pre>{@code
 * try (PveEmulator pve = PveEmulator.start()) {
 *     pve.seedTemplate(9000);
 *     PveClient client = PveClient.create(pve.config(9000));
 * }
 * }</pre>
 */
public final class PveEmulator implements AutoCloseable {

    /**
     * Joins the values of a key repeated in a form: pve-http-server's {@code decode_urlencoded} makes them an array
     * (e.g. agent/exec's {@code command}, docs/pve-qemu.md §6).
     */
    static final String REPEATED = "\u0000";
    public static final String TOKEN = "root@pam!cmux=4d8e4c5a-6a0e-4d77-9d6c-2f1e2b7d1c00";

    private final X509Bundle rootCa;
    private final X509Bundle certificate;
    private final EventLoopGroup loops;
    private final ScheduledExecutorService scheduler;
    private final Channel listener;
    private final EmulatedCluster cluster;
    private final PveApi api;
    private final List<AnswerTimer.Span> answerSpans = Collections.synchronizedList(new ArrayList<>());

    private PveEmulator(List<String> nodes) throws Exception {
        // as on a PVE node: a cluster CA (pve-root-ca.pem) signs the node's pve-ssl.pem
        rootCa = new CertificateBuilder().subject("CN=Proxmox Virtual Environment, OU=emulator, O=PVE Cluster Manager CA")
                .ecp256().setIsCertificateAuthority(true).buildSelfSigned();
        CertificateBuilder node = new CertificateBuilder().subject("CN=" + nodes.get(0) + ".lan, O=PVE Cluster Node")
                .ecp256().addSanDnsName("localhost").addSanIpAddress("127.0.0.1");
        nodes.forEach(node::addSanDnsName);
        certificate = node.addExtendedKeyUsageServerAuth().setIsCertificateAuthority(false).buildIssuedBy(rootCa);
        SslContext tls = SslContextBuilder.forServer(certificate.toKeyManagerFactory()).build();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pve-emulator-tasks");
            t.setDaemon(true);
            return t;
        });
        cluster = new EmulatedCluster(nodes, scheduler);
        api = new PveApi(cluster);
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new AnswerTimer(answerSpans::add), tls.newHandler(ch.alloc()),
                                new HttpServerCodec(), new HttpObjectAggregator(512 * 1024), api.connection());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** An emulated node named {@code pve}: a cluster of one. */
    public static PveEmulator start() {
        try {
            return new PveEmulator(List.of("pve"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the PVE emulator", e);
        }
    }

    /**
     * A cluster of these nodes behind one API (any node answers any path), each with its own {@code local} and
     * {@code local-zfs}, and a Ceph RBD storage {@code ceph} shared by all of them. Guests are seeded on the first
     * node unless {@link #place placed}.
     */
    public static PveEmulator startCluster(String... nodes) {
        PveEmulator pve;
        try {
            pve = new PveEmulator(List.of(nodes));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the PVE emulator", e);
        }
        pve.addStorage("ceph", "rbd", "images,rootdir", 1000, true);
        return pve;
    }

    /** {@code https://127.0.0.1:<port>/api2/json}. */
    public String url() {
        return "https://127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort() + "/api2/json";
    }

    /** The SHA-256 fingerprint of the emulator's certificate, {@code AB:CD:…}, as PVE shows it. */
    public String fingerprint() {
        try {
            byte[] digest = FingerprintTrustManager.sha256(certificate.getCertificate());
            String hex = HexFormat.ofDelimiter(":").formatHex(digest);
            return hex.toUpperCase(Locale.ROOT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cluster CA as a PEM file ({@code /etc/pve/pve-root-ca.pem}), to test CA-file trust. */
    public Path rootCaPem(Path dir) throws IOException {
        Path pem = dir.resolve("pve-root-ca.pem");
        Files.writeString(pem, rootCa.getCertificatePEM());
        return pem;
    }

    /** The first node: the only one of {@link #start()}. */
    public String node() {
        return cluster.nodes.first();
    }

    /** Every node, in the order they were given. */
    public List<String> nodes() {
        return cluster.nodes.names();
    }

    /** A configuration that trusts this emulator by fingerprint, names the first node and clones {@code templateVmid}. */
    public PveConfig config(Integer templateVmid) {
        return new PveConfig(URI.create(url()), TOKEN, node(), templateVmid, true, fingerprint(), null);
    }

    // ---- the cluster ----

    /**
     * Moves a seeded guest (container or VM, template or not) to {@code node} and its root disk to {@code storage}
     * (null: where it is), as if it had been created there.
     */
    public void place(int vmid, String node, String storage) {
        cluster.read(() -> {
            cluster.nodes.member(node);
            if (storage != null) {
                cluster.storage.enabled(storage, node);
            }
            EmulatedCluster.Ct ct = cluster.anywhere(vmid);
            EmulatedQemu.Vm vm = cluster.qemu.anywhere(vmid);
            if (ct == null && vm == null) {
                throw new IllegalArgumentException("no guest " + vmid);
            }
            if (ct != null) {
                ct.node = node;
                ct.storage = storage == null ? ct.storage : storage;
            } else {
                vm.node = node;
                vm.storage = storage == null ? vm.storage : storage;
            }
            return null;
        });
    }

    /** The node a guest is on, container or VM; null when there is none. */
    public String nodeOf(int vmid) {
        return cluster.nodeOf(vmid);
    }

    /**
     * The node goes offline ({@code true}: corosync lost it, its guests' addresses stop answering, a call forwarded to
     * it fails with 595) or comes back with its guests as they were ({@code false}).
     */
    public void nodeOffline(String node, boolean offline) {
        cluster.nodeOnline(node, !offline);
    }

    /** The memory in use on {@code node} from now on, of its 32 GiB ({@code mem} of {@code /nodes}). */
    public void nodeMemoryUsed(String node, long bytes) {
        cluster.read(() -> cluster.nodes.member(node)).memUsed = bytes;
    }

    /**
     * The IPv4 of the guests of {@code node} from now on: an address, or a prefix ending in a dot that each guest
     * completes with {@code vmid % 250 + 2} (default {@code 10.10.<k>.} for the k-th node, from 0).
     */
    public void nodeAddress(String node, String address) {
        cluster.network.node(node, address);
    }

    /** The IPv4 the guest has on its node (what {@code /interfaces} or the agent report while it runs). */
    public String addressOf(int vmid) {
        return cluster.read(() -> {
            EmulatedCluster.Ct ct = cluster.anywhere(vmid);
            EmulatedQemu.Vm vm = cluster.qemu.anywhere(vmid);
            return ct != null ? cluster.network.ipv4(ct.node, vmid, ct.address)
                    : vm != null ? cluster.network.ipv4(vm.node, vmid, vm.address) : null;
        });
    }

    /**
     * Replaces the listener (and {@link #onPowerChange}'s): called on the emulator's task thread, after the state
     * change, whenever a guest's address starts or stops answering: start, stop, pause, resume, migration (the old
     * address stops, the new one starts) and its node going offline or coming back.
     */
    public void onGuestChange(java.util.function.Consumer<GuestEvent> listener) {
        cluster.network.listener(listener);
    }

    /**
     * A running guest (container or VM) received {@code in} and sent {@code out} bytes: its {@code netin} /
     * {@code netout} (status, {@code /cluster/resources}) grow as pvestatd reports them; nothing while it is
     * stopped; a start or a migration starts them from 0.
     */
    public void addTraffic(int vmid, long in, long out) {
        cluster.addTraffic(vmid, in, out);
    }

    /** A running guest's CPU load ({@code cpu}, a fraction of its cores) from now on; a start resets it to 0. */
    public void cpu(int vmid, double load) {
        cluster.cpu(vmid, load);
    }

    /** A stopped container template, the source of linked clones. */
    public void seedTemplate(int vmid) {
        EmulatedCluster.Ct ct = new EmulatedCluster.Ct(vmid, "cmux-template");
        ct.template = true;
        ct.tags = "cmux-template";
        cluster.seed(ct);
    }

    /** A container as the service would have left it, e.g. to test listing, TTL and orphans. */
    public void seedContainer(int vmid, String hostname, boolean running, String tags, String description) {
        EmulatedCluster.Ct ct = new EmulatedCluster.Ct(vmid, hostname);
        ct.status = running ? "running" : "stopped";
        ct.tags = tags;
        ct.description = description == null ? null : EmulatedCluster.storedDescription(description);
        cluster.seed(ct);
    }

    /**
     * A storage of the node, e.g. {@code ("local-lvm", "lvmthin", "images,rootdir", 500)} (GiB free of twice that):
     * what {@code GET /nodes/{node}/storage} lists and what {@code volume_has_feature} of its type allows.
     */
    public void addStorage(String id, String type, String content, long availGiB) {
        addStorage(id, type, content, availGiB, false);
    }

    /**
     * A storage as above, {@code shared} (one set of volumes that every node in {@code nodes} reaches, e.g. Ceph RBD
     * or NFS) or local (a pool of the same name on each of them); without {@code nodes}, enabled on every node.
     */
    public void addStorage(String id, String type, String content, long availGiB, boolean shared, String... nodes) {
        synchronized (cluster) {
            List.of(nodes).forEach(cluster.nodes::member);
            cluster.storage.add(new EmulatedStorage.Storage(id, type, content, 2 * availGiB * EmulatedStorage.GIB,
                    availGiB * EmulatedStorage.GIB, shared, nodes.length == 0 ? null : List.of(nodes)));
        }
    }

    /** A container template on {@code storage} with a root disk of {@code diskGiB}, tagged as {@code tags}. */
    public void seedTemplate(int vmid, String storage, int diskGiB, String tags, String description) {
        EmulatedCluster.Ct ct = new EmulatedCluster.Ct(vmid, "cmux-template");
        ct.template = true;
        ct.tags = tags;
        ct.storage = storage;
        ct.diskBytes = diskGiB * EmulatedStorage.GIB;
        ct.description = description == null ? null : EmulatedCluster.storedDescription(description);
        cluster.seed(ct);
    }

    /** The next task of {@code type} ({@code vzclone}, {@code resize}, {@code vztemplate}, …) fails so. */
    public void failNextTask(String type, String error) {
        cluster.tasks().failNext(type, error);
    }

    /** The next call of {@code route}, e.g. {@code PUT /nodes/{node}/lxc/{vmid}/config}, is refused: HTTP 500. */
    public void rejectNext(String route, String message) {
        cluster.rejectNext(route, message);
    }

    /** The root disk size in GiB (fractions rounded down), or -1 when there is no such container. */
    public long diskGiB(int vmid) {
        return cluster.read(() -> cluster.find(vmid) == null ? -1 : cluster.find(vmid).diskBytes / EmulatedStorage.GIB);
    }

    /** The names of the container's snapshots, oldest first. */
    public List<String> snapshotNames(int vmid) {
        return cluster.read(() -> List.copyOf(cluster.existing(vmid).snapshots.keySet()));
    }

    /**
     * The exit status of the newest task of {@code type} ({@code OK} or the error), null while it runs: for workers
     * whose UPID PVE never returns, such as {@code vztemplate}.
     */
    public String lastTaskExitStatus(String type) {
        return cluster.tasks().lastExitStatus(type);
    }

    /** Sets (or with null clears) the container's config lock, as a backup ({@code backup}) or a crash leaves it. */
    public void lockContainer(int vmid, String lock) {
        cluster.read(() -> cluster.existing(vmid).lock = lock);
    }

    public boolean isTemplate(int vmid) {
        return cluster.read(() -> cluster.find(vmid) != null && cluster.find(vmid).template);
    }

    /** The next start task fails inside the task with this error (as a broken container fails). */
    public void failNextStartTask(String error) {
        cluster.failNextStartTask(error);
    }

    /** The next start call is refused at once with HTTP 500 and this reason phrase. */
    public void rejectNextStart(String message) {
        cluster.rejectNextStart(message);
    }

    /** {@code /cluster/nextid} repeats its last answer this many times: callers race for one id. */
    public void repeatNextId(int times) {
        cluster.repeatNextId(times);
    }

    /** Whether DHCP answers on the bridge; without it containers get no IPv4 address (only link-local IPv6). */
    public void dhcp(boolean answering) {
        cluster.network.dhcp(answering);
    }

    /**
     * A running container received {@code in} and sent {@code out} bytes: its {@code netin}/{@code netout} counters
     * (status, {@code /cluster/resources}) grow, as pvestatd reports them; nothing while it is stopped.
     */
    public void guestTraffic(int vmid, long in, long out) {
        addTraffic(vmid, in, out);
    }

    /**
     * The IPv4 every running guest of every node reports, e.g. {@code 127.0.0.1} where a test execd listens (an
     * address, or a prefix ending in a dot; {@link #nodeAddress} overrides it per node).
     */
    public void containerAddress(String address) {
        cluster.network.everyNode(address);
    }

    /**
     * The token's privileges on {@code path} become exactly {@code privileges} (an ACL there, replacing what it
     * inherits); by default it holds every privilege everywhere, as {@code root@pam} does.
     */
    public void acl(String path, Set<String> privileges) {
        cluster.acl(path, privileges);
    }

    /** Every privilege the emulator knows. */
    public static Set<String> allPrivileges() {
        return EmulatedCluster.ALL_PRIVILEGES;
    }

    /** The IPv4 container {@code vmid} reports from now on (a DHCP renewal that gave it another address). */
    public void containerAddress(int vmid, String address) {
        cluster.address(vmid, address);
    }

    /**
     * {@code /cluster/resources} answers as right after a create, before pvestatd's next broadcast: status
     * {@code unknown}, no name (lock and tags stay live).
     */
    public void staleResources(boolean stale) {
        cluster.staleResources(stale);
    }

    /**
     * Called with {@code (vmid, running)} whenever an emulated container starts or stops (start, resume, stop,
     * shutdown, suspend), after the task's state change, on the emulator's task thread: a test starts a real server
     * "inside" the container there, so a sandbox listens only while it runs.
     */
    public void onPowerChange(java.util.function.BiConsumer<Integer, Boolean> listener) {
        cluster.network.listener(event -> listener.accept(event.vmid(), event.running()));
    }

    /** True while the container is suspended (stopped with a checkpoint that resume restores). */
    public boolean suspended(int vmid) {
        return cluster.read(() -> cluster.find(vmid) != null && cluster.find(vmid).suspended);
    }

    public void taskDuration(Duration duration) {
        cluster.taskDuration(duration);
    }

    /**
     * Tasks of {@code type} ({@code vzmigrate}, …) started from now on keep running until {@link #releaseTasks}, so a
     * test sees what they leave while they run (a {@code migrate} lock) without racing a duration.
     */
    public void holdTasks(String type) {
        cluster.tasks().hold(type);
    }

    /** The held tasks of {@code type} finish now; later ones take their duration again. */
    public void releaseTasks(String type) {
        cluster.tasks().release(type);
    }

    /** Tasks of {@code type} ({@code qmresume}, {@code qmstart}, …) take {@code duration}; others as set above. */
    public void taskDuration(String type, Duration duration) {
        cluster.tasks().duration(type, duration);
    }

    public boolean exists(int vmid) {
        return cluster.find(vmid) != null || cluster.qemu.has(vmid);
    }

    /** A container's or VM's {@code status}: {@code running} or {@code stopped} (a paused VM runs). */
    public String status(int vmid) {
        return cluster.read(() -> cluster.find(vmid) != null ? cluster.find(vmid).status
                : cluster.qemu.find(vmid) == null ? null : cluster.qemu.find(vmid).status);
    }

    public String lock(int vmid) {
        return cluster.read(() -> cluster.find(vmid) != null ? cluster.find(vmid).lock
                : cluster.qemu.find(vmid) == null ? null : cluster.qemu.find(vmid).lock);
    }

    /**
     * Answers as PVE 8.4 does ({@code "8.4"}: {@code /version} and a schema without the parameters added since, so
     * {@code env} is refused with 400) or as 9.2 (the default).
     */
    public void release(String release) {
        cluster.release = release;
    }

    /** The environment the container's init got at its last start ({@code lxc.environment.runtime}). */
    public Map<String, String> runtimeEnvironment(int vmid) {
        return cluster.read(() -> cluster.existing(vmid).runtimeEnv);
    }

    public Map<String, Object> configOf(int vmid) {
        return cluster.qemu.has(vmid) ? cluster.qemu.config(vmid) : cluster.config(vmid);
    }

    /** Every guest's vmid, containers and VMs, ascending. */
    public List<Integer> vmids() {
        List<Integer> all = new ArrayList<>(cluster.vmids());
        all.addAll(cluster.qemu.vmids());
        Collections.sort(all);
        return all;
    }

    /** Requests that real PVE would have rejected for their shape: wrong path, parameter, type, body. */
    public List<String> violations() {
        return List.copyOf(api.violations);
    }

    /** {@code METHOD /path -> status reason} of every answer, in order. */
    public List<String> responses() {
        return List.copyOf(api.responses);
    }

    /** Forgets recorded violations, for tests that provoke them on purpose. */
    public void clearViolations() {
        api.violations.clear();
    }

    /**
     * When the emulator was answering, one span per exchange so far ({@link System#nanoTime()}): from a request's
     * first bytes to its answer's flush, TLS included. What a real PVE spends there is PVE's time, not its client's
     * (the bench separates the two).
     */
    public List<AnswerTimer.Span> answerSpans() {
        return List.copyOf(answerSpans);
    }

    /** {@code METHOD /path} of every request, in order. */
    public List<String> requests() {
        return List.copyOf(api.requests);
    }

    // ---- QEMU VMs (EmulatedQemu) ----

    /** A stopped VM template with the guest agent configured: the source of linked VM clones. */
    public void seedVmTemplate(int vmid) {
        EmulatedQemu.Vm vm = new EmulatedQemu.Vm(vmid, "cmux-vm-template");
        vm.template = true;
        vm.tags = "cmux-template";
        cluster.qemu.seed(vm);
    }

    /** A VM as the service would have left it, with the guest agent configured and running in the guest. */
    public void seedVm(int vmid, String name, boolean running, String tags, String description) {
        EmulatedQemu.Vm vm = new EmulatedQemu.Vm(vmid, name);
        vm.status = running ? "running" : "stopped";
        vm.tags = tags;
        vm.description = description == null ? null : description.stripTrailing();
        cluster.qemu.seed(vm);
    }

    /**
     * A VM asleep at {@code level} as PVE leaves it: {@code paused} (running, qmpstatus paused), {@code hibernated}
     * (stopped, {@code lock: suspended}, a {@code vmstate}), {@code stopped}; or {@code running}.
     */
    public void seedVm(int vmid, String name, String level, String tags, String description) {
        seedVm(vmid, name, !level.equals("stopped") && !level.equals("hibernated"), tags, description);
        cluster.read(() -> {
            EmulatedQemu.Vm vm = cluster.qemu.existing(vmid);
            switch (level) {
                case "running", "stopped" -> { }
                case "paused" -> vm.paused = true;
                case "hibernated" -> {
                    vm.lock = "suspended";
                    vm.vmstate = "local-zfs:vm-" + vmid + "-state-suspend-2026-12-07";
                }
                default -> throw new IllegalArgumentException("no such level: " + level);
            }
            return null;
        });
    }

    /** The VM's {@code agent} config key ({@code null}: absent) and whether qemu-ga runs in its guest. */
    public void guestAgent(int vmid, String configKey, boolean running) {
        cluster.read(() -> {
            EmulatedQemu.Vm vm = cluster.qemu.existing(vmid);
            vm.agent = configKey;
            vm.guestAgent = running;
            return null;
        });
    }

    /** The IPv4 VM {@code vmid}'s guest agent reports from now on. */
    public void vmAddress(int vmid, String address) {
        cluster.read(() -> cluster.qemu.existing(vmid).address = address);
    }

    /** The VM's guest ignores ACPI power-down: a shutdown runs into its timeout. */
    public void ignoresAcpi(int vmid) {
        cluster.read(() -> cluster.qemu.existing(vmid).ignoresAcpi = true);
    }

    /** A VM's {@code qmpstatus} ({@code running}, {@code paused}, {@code stopped}), null when there is no such VM. */
    public String qmpStatus(int vmid) {
        return cluster.read(() -> cluster.qemu.find(vmid) == null ? null : cluster.qemu.find(vmid).qmpstatus());
    }

    /** True while the VM is hibernated: stopped with {@code lock: suspended} and a {@code vmstate} volume. */
    public boolean hibernated(int vmid) {
        return cluster.read(() -> {
            EmulatedQemu.Vm vm = cluster.qemu.find(vmid);
            return vm != null && "suspended".equals(vm.lock) && vm.vmstate != null && vm.status.equals("stopped");
        });
    }

    /** The names of the VM's snapshots and whether each holds RAM, oldest first. */
    public Map<String, Boolean> vmSnapshots(int vmid) {
        return cluster.read(() -> Map.copyOf(cluster.qemu.existing(vmid).snapshots));
    }

    @Override
    public void close() {
        cluster.qemu.close();
        listener.close().awaitUninterruptibly();
        loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        scheduler.shutdownNow();
    }
}
