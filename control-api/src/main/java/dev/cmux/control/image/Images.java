package dev.cmux.control.image;

import dev.cmux.control.config.PveConfig;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.SandboxService;

import java.time.Clock;

/** The image side of the control API: presets, sandboxes made from them, templates and snapshots. Built once. */
public record Images(PresetCatalog catalog, SandboxImages sandboxes, Templates templates, Snapshots snapshots) {

    public static Images create(PveClient pve, PveConfig config, SandboxService sandboxes,
                                ResolverInvalidation invalidation, Poller poller, Clock clock) {
        PresetCatalog catalog = new PresetCatalog(pve, config.presets(), sandboxes.settings().templateVmid());
        StorageChoice storage = new StorageChoice(pve, config.storage());
        TaskWaiter tasks = new TaskWaiter(pve, poller, sandboxes.settings().pollInterval(),
                sandboxes.settings().taskTimeout());
        return new Images(catalog, new SandboxImages(pve, sandboxes, catalog, storage),
                new Templates(pve, sandboxes, catalog, storage, poller, clock),
                new Snapshots(pve, sandboxes, tasks, invalidation));
    }
}
