package dev.cmux.control.image;

import dev.cmux.control.config.PveConfig;
import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.control.sandbox.SandboxSettings;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The image services over a {@link PveEmulator} with template 9000 on {@code local-zfs}, fast tasks and polling:
 * what every test of this package starts from. {@link #images(String, List)} builds them for a storage setting and
 * config presets, as {@code ControlServices} does.
 */
final class ImageBench implements AutoCloseable {

    static final int TEMPLATE = 9000;

    final PveEmulator pve = PveEmulator.start();
    final PveClient client;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T01:00:00Z"));
    final List<Integer> invalidated = new CopyOnWriteArrayList<>();
    final SandboxService sandboxes;

    ImageBench() {
        this(Duration.ofSeconds(10));
    }

    /** @param timeouts how long tasks, addresses and execd may take (a test of a timeout makes it short) */
    ImageBench(Duration timeouts) {
        pve.seedTemplate(TEMPLATE);
        pve.taskDuration(Duration.ofMillis(20));
        client = PveClient.create(pve.config(TEMPLATE));
        SandboxSettings settings = SandboxSettings.defaults("sandbox.example.com", TEMPLATE)
                .withPolling(Duration.ofMillis(10), timeouts);
        sandboxes = new SandboxService(client, settings, new ExecdClient(settings.execdPort()), invalidated::add,
                clock);
    }

    Images images(String storage, List<Preset> presets) {
        PveConfig base = pve.config(TEMPLATE);
        PveConfig config = new PveConfig(URI.create(pve.url()), PveEmulator.TOKEN, base.node(), TEMPLATE, true,
                pve.fingerprint(), null, storage, presets);
        return Images.create(client, config, sandboxes, invalidated::add, Poller.SYSTEM, clock);
    }

    static Preset preset(String id, Integer cores, Integer memory, Integer disk, PresetVersion... versions) {
        return new Preset(id, id, cores, memory, disk, List.of(versions));
    }

    static PresetVersion version(int number, int vmid) {
        return new PresetVersion(number, vmid, null, null, false);
    }

    /** A second gateway on the same PVE: its own client and services, nothing shared but PVE. */
    static final class Restart {
        private final ImageBench bench;

        Restart(ImageBench bench) {
            this.bench = bench;
        }

        Images images(String storage, List<Preset> presets) {
            PveClient fresh = PveClient.create(bench.pve.config(TEMPLATE));
            SandboxService sandboxes = new SandboxService(fresh, bench.sandboxes.settings(),
                    new ExecdClient(SandboxSettings.EXECD_PORT), vmid -> { }, bench.clock);
            PveConfig config = new PveConfig(URI.create(bench.pve.url()), PveEmulator.TOKEN, "pve", TEMPLATE, true,
                    bench.pve.fingerprint(), null, storage, presets);
            bench.restarted.add(fresh);
            return Images.create(fresh, config, sandboxes, vmid -> { }, Poller.SYSTEM, bench.clock);
        }
    }

    private final List<PveClient> restarted = new CopyOnWriteArrayList<>();

    @Override
    public void close() {
        restarted.forEach(PveClient::close);
        client.close();
        pve.close();
    }
}
