package dev.cmux.bench.wake;

import com.sun.net.httpserver.HttpServer;
import dev.cmux.bench.Options;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.SandboxMetadata;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code vm-wake}: the time from a request to a sleeping VM to its answer, through the gateway jar as a process,
 * against the PVE emulator with the durations of a real host's work emulated: a VM's resume task, a start task
 * (which for a hibernated VM includes loading its RAM), the guest's boot after a cold start. Whatever the request
 * took beyond those is the gateway's own share (resolving, asking PVE's state, polling the task, the agent's
 * address, connecting to the guest's port). Writes {@code <name>-vm-wake.md} and prints it.
 */
public final class VmWakeBench {

    private static final String TOKEN = "bench-control-token-0123456789";

    /** A sleep level, the PVE call that wakes it, and how long the emulated host and guest take. */
    record Level(String name, String action, String task, Duration pveTask, Duration guestReady) {
        Duration emulated() {
            return pveTask.plus(guestReady);
        }
    }

    static final List<Level> LEVELS = List.of(
            new Level("paused", "resume", "qmresume", Duration.ofMillis(100), Duration.ZERO),
            new Level("hibernated", "start", "qmstart", Duration.ofMillis(1500), Duration.ZERO),
            new Level("stopped", "start", "qmstart", Duration.ofMillis(1500), Duration.ofMillis(2000)));

    private final Map<Integer, HttpServer> apps = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> ports = new ConcurrentHashMap<>();
    private final Map<Integer, Level> levelOf = new ConcurrentHashMap<>();
    /** When each VM's power task ended (the emulator's power listener): its task ran just before, its guest after. */
    private final Map<Integer, Long> poweredOn = new ConcurrentHashMap<>();
    private final ScheduledExecutorService guests = Executors.newSingleThreadScheduledExecutor();

    private VmWakeBench() {
    }

    public static int run(Options o) throws Exception {
        // the request names the sandbox in its Host header, which java.net.http refuses to set unless allowed
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        boolean smoke = o.string("mode", "full").equals("smoke");
        int rounds = o.integer("rounds", smoke ? 1 : 5);
        Path out = Path.of(o.string("out", "."));
        Path work = Files.createDirectories(Path.of(o.string("work", System.getProperty("java.io.tmpdir"))));
        Path jar = Path.of(o.string("gateway-jar", "gateway/target/cmux-gateway.jar"));
        String table = new VmWakeBench().measure(jar, work, rounds);
        Path file = out.resolve(o.string("name", "vm-wake") + "-vm-wake.md");
        Files.createDirectories(out);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, table);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println(table);
        return 0;
    }

    private String measure(Path jar, Path work, int rounds) throws Exception {
        try (PveEmulator pve = PveEmulator.start(); NxDomainServer dns = new NxDomainServer()) {
            pve.containerAddress("127.0.0.1");
            for (Level l : LEVELS) {
                pve.taskDuration(l.task(), l.pveTask());
            }
            pve.onPowerChange((vmid, running) -> {
                if (running) {
                    poweredOn.put(vmid, System.nanoTime());
                    guests.schedule(() -> serve(vmid), levelOf.get(vmid).guestReady().toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    stopServing(vmid);
                }
            });
            int port = freePort();
            Process gateway = startGateway(jar, work, port, pve, dns);
            try {
                awaitListening(port, gateway, work);
                Map<Level, List<Wake>> wakes = new java.util.LinkedHashMap<>();
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                int vmid = 1000;
                // one untimed wake first: the gateway's first PVE call opens its TLS connection and loads classes
                wakeOnce(http, pve, port, ++vmid, LEVELS.get(0));
                for (int round = 0; round < rounds; round++) {
                    for (Level l : LEVELS) {
                        vmid++;
                        wakes.computeIfAbsent(l, k -> new ArrayList<>()).add(wakeOnce(http, pve, port, vmid, l));
                    }
                }
                return table(wakes, rounds);
            } finally {
                gateway.destroy();
                if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
                apps.values().forEach(s -> s.stop(0));
                guests.shutdownNow();
            }
        }
    }

    /**
     * One wake: the milliseconds from the request to its answer, the PVE API calls the gateway made meanwhile, and
     * of that time the milliseconds when PVE was busy: its power task and the guest's boot running, or the emulator
     * answering a call (a union: a task status poll answered while the task runs counts once).
     */
    record Wake(long millis, int pveCalls, long pveMillis) {
    }

    /** One sleeping VM, one request: the wake, checked to have cost one PVE power call. */
    private Wake wakeOnce(HttpClient http, PveEmulator pve, int port, int vmid, Level level) throws Exception {
        ports.put(vmid, freePort());
        levelOf.put(vmid, level);
        pve.seedVm(vmid, "cmux-" + vmid, level.name(), "cmux", new SandboxMetadata("bench", Instant.now(), null,
                SandboxMetadata.KEEP, null).toDescription());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Host", "port-" + ports.get(vmid) + "-vm-" + vmid + ".bench.test")
                .timeout(Duration.ofSeconds(60)).build();
        int callsBefore = pve.requests().size();
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        long end = System.nanoTime();
        List<long[]> busy = new ArrayList<>();
        pve.answerSpans().forEach(a -> busy.add(new long[] {a.startNanos(), a.endNanos()}));
        Long on = poweredOn.get(vmid);
        if (on != null) {
            busy.add(new long[] {on - level.pveTask().toNanos(), on + level.guestReady().toNanos()});
        }
        Wake wake = new Wake((end - start) / 1_000_000, pve.requests().size() - callsBefore,
                Spans.unionWithin(busy, start, end) / 1_000_000);
        String call = "POST /api2/json/nodes/pve/qemu/" + vmid + "/status/" + level.action();
        long calls = pve.requests().stream().filter(call::equals).count();
        if (r.statusCode() != 200 || !r.body().equals("inside vm-" + vmid) || calls != 1) {
            throw new IllegalStateException("waking a " + level.name() + " VM: HTTP " + r.statusCode() + " "
                    + r.body() + ", " + calls + " × " + call);
        }
        return wake;
    }

    private static String table(Map<Level, List<Wake>> wakes, int rounds) {
        StringBuilder s = new StringBuilder("## VM wake-on-HTTP: first request to answer (" + rounds
                + (rounds == 1 ? " round" : " rounds") + ", median)\n\n"
                + "| level | PVE call | total ms | PVE task + guest ms | PVE calls | PVE busy ms "
                + "| gateway's own ms | gateway's share |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|\n");
        wakes.forEach((level, list) -> {
            List<Wake> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparingLong(Wake::millis));
            Wake median = sorted.get(sorted.size() / 2);
            long own = median.millis() - median.pveMillis();
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %.0f %% |%n", level.name(),
                    level.action(), median.millis(), level.emulated().toMillis(), median.pveCalls(),
                    median.pveMillis(), own, 100.0 * own / Math.max(1, median.millis())));
        });
        return s.append("\nEmulated: a resume task of ").append(LEVELS.get(0).pveTask().toMillis())
                .append(" ms, a start task of ").append(LEVELS.get(1).pveTask().toMillis())
                .append(" ms, a guest boot of ").append(LEVELS.get(2).guestReady().toMillis())
                .append(" ms after a cold start. PVE busy is the time within the wake when the task or the guest's ")
                .append("boot ran or the emulator was answering one of the gateway's calls (from a request's first ")
                .append("bytes to its answer's flush, TLS included), counted once where they overlap: what a real ")
                .append("PVE spends. The gateway's own share is the rest: its side of those calls, polling pauses, ")
                .append("and connecting to the guest's port.\n").toString();
    }

    private Process startGateway(Path jar, Path work, int port, PveEmulator pve, NxDomainServer dns)
            throws IOException {
        Path config = work.resolve("vm-wake-gateway.yaml");
        Files.writeString(config, String.join("\n",
                "listen: 127.0.0.1:" + port,
                "domain: bench.test",
                "routing: {suffix: \"\"}",
                "resolver: {allowedNetworks: [\"127.0.0.1/32\"], nameservers: [\"127.0.0.1:" + dns.address().getPort()
                        + "\"]}",
                "accessLog: {enabled: false}",
                "control: {listen: \"127.0.0.1:0\", token: \"" + TOKEN + "\"}",
                "wake: {enabled: true, timeout: 60s, retryAfter: 1s}",
                "pve: {apiUrl: \"" + pve.url() + "\", apiToken: \"" + PveEmulator.TOKEN + "\", node: pve, "
                        + "tlsFingerprint: \"" + pve.fingerprint() + "\"}",
                ""), StandardCharsets.UTF_8);
        return new ProcessBuilder("java", "-jar", jar.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("vm-wake-gateway.log").toFile()).start();
    }

    private static void awaitListening(int port, Process gateway, Path work) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (!gateway.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the gateway did not listen on " + port + "; its log: "
                + Files.readString(work.resolve("vm-wake-gateway.log")));
    }

    private void serve(int vmid) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    ports.get(vmid)), 64);
            byte[] body = ("inside vm-" + vmid).getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            apps.put(vmid, server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve for vm-" + vmid, e);
        }
    }

    private void stopServing(int vmid) {
        HttpServer server = apps.remove(vmid);
        if (server != null) {
            server.stop(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
