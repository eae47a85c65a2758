package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Containers named like sandboxes ({@code cmux-<vmid>} for their own vmid, not templates) that carry no readable
 * metadata: left behind by a crash between clone and config, by a person in the PVE UI, or by another tool. Nothing
 * automatic touches them; they are listed ({@code GET /v1/sandboxes?orphans=true}) and removed only by an explicit
 * {@code DELETE /v1/sandboxes/{vmid}?orphan=true}.
 */
public final class Orphans {

    /**
     * @param tagged whether it carries the {@code cmux} tag (then only its metadata line is missing or unreadable)
     */
    public record Orphan(int vmid, String node, String name, String status, boolean tagged) {
    }

    private final PveClient pve;

    public Orphans(PveClient pve) {
        this.pve = pve;
    }

    /** Every orphan of the cluster: one {@code /cluster/resources} read, and one config read per candidate. */
    public List<Orphan> list() {
        List<Orphan> out = new ArrayList<>();
        for (JsonNode r : pve.vmResources()) {
            orphan(r).ifPresent(out::add);
        }
        return out;
    }

    public Optional<Orphan> find(int vmid) {
        for (JsonNode r : pve.vmResources()) {
            if (PveJson.intValue(r.get("vmid"), -1) == vmid) {
                return orphan(r);
            }
        }
        return Optional.empty();
    }

    private Optional<Orphan> orphan(JsonNode r) {
        int vmid = PveJson.intValue(r.get("vmid"), -1);
        String name = PveJson.text(r, "name");
        if (!"lxc".equals(PveJson.text(r, "type")) || !SandboxId.inRange(vmid)
                || !new SandboxId(vmid).hostname().equals(name) || PveJson.intValue(r.get("template"), 0) == 1) {
            return Optional.empty();
        }
        String node = PveJson.text(r, "node");
        boolean tagged = SandboxService.isSandbox(PveJson.text(r, "tags"), 0);
        if (tagged && SandboxMetadata.fromDescription(PveJson.text(pve.config(node, vmid), "description"))
                .isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Orphan(vmid, node, name, PveJson.text(r, "status"), tagged));
    }
}
