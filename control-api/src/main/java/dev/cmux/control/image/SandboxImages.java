package dev.cmux.control.image;

import dev.cmux.control.sandbox.SandboxException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.sandbox.CloneSpec;
import dev.cmux.control.sandbox.CreateRequest;
import dev.cmux.control.sandbox.FirstTask;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxKind;
import dev.cmux.control.sandbox.SandboxService;

/**
 * Sandboxes made from presets. The clone is linked when PVE says the template's storage can ({@code GET …/feature
 * ?feature=clone}), otherwise a full copy onto {@link StorageChoice}; {@link SandboxService#create(CreateRequest,
 * CloneSpec)} then sets the preset's cores and memory, grows the root disk and rolls back on any failure. Nothing is
 * made before the clone, so nothing needs undoing before it.
 */
public final class SandboxImages {

    private final PveClient pve;
    private final SandboxService sandboxes;
    private final PresetCatalog catalog;
    private final StorageChoice storage;
    private final NodeLocator nodes;

    public SandboxImages(PveClient pve, SandboxService sandboxes, PresetCatalog catalog, StorageChoice storage) {
        this.pve = pve;
        this.sandboxes = sandboxes;
        this.catalog = catalog;
        this.storage = storage;
        this.nodes = new NodeLocator(pve, sandboxes.settings().node());
    }

    public PresetCatalog catalog() {
        return catalog;
    }

    public Sandbox create(ImageChoice choice, CreateRequest request) {
        return beginCreate(choice, request).finish();
    }

    /** {@link #create} up to the clone task ({@link SandboxService#beginCreate(CreateRequest, CloneSpec)}). */
    public FirstTask<Sandbox> beginCreate(ImageChoice choice, CreateRequest request) {
        PresetCatalog.Choice c = catalog.resolve(choice.preset(), choice.snapshotId());
        return sandboxes.beginCreate(request, plan(c));
    }

    /** Linked or full, and where: decided before anything exists. */
    CloneSpec plan(PresetCatalog.Choice c) {
        int source = c.version().templateVmid();
        JsonNode r = nodes.resource(source);
        if (r == null) {
            throw SandboxException.of(SandboxException.Kind.UNAVAILABLE, "no-template", "The template " + source
                    + " of " + c.snapshotId() + " is not a guest of this cluster.", null);
        }
        String node = PveJson.text(r, "node");
        SandboxKind kind = NodeLocator.kindOf(r); // a preset's kind is its template's: container or VM
        String snapname = c.version().snapname();
        boolean linked = pve.hasFeature(node, kind, source, "clone", snapname);
        Preset p = c.preset();
        return new CloneSpec(source, node, snapname, !linked, linked ? null : storage.forFullClone(node),
                p.cores(), p.memoryMiB(), p.diskGiB(), c.snapshotId().toString(), kind);
    }
}
