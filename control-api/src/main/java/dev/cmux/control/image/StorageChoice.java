package dev.cmux.control.image;

import dev.cmux.control.sandbox.SandboxException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;

/**
 * Where a full clone goes ({@code pve.storage}): a storage named in the config, or with {@code auto} the enabled
 * storage of the node that holds container volumes ({@code rootdir}) and has the most free space, as cmux's Rust
 * client chooses.
 */
public final class StorageChoice {

    public static final String AUTO = "auto";

    private final PveClient pve;
    private final String configured;

    public StorageChoice(PveClient pve, String configured) {
        this.pve = pve;
        this.configured = configured == null || configured.isBlank() ? AUTO : configured;
    }

    public String forFullClone(String node) {
        if (!configured.equals(AUTO)) {
            return configured;
        }
        String best = null;
        long bestAvail = -1;
        for (JsonNode s : pve.storages(node, "rootdir")) {
            long avail = PveJson.longValue(s.get("avail"), 0);
            if (PveJson.intValue(s.get("active"), 1) == 1 && avail > bestAvail) {
                best = PveJson.text(s, "storage");
                bestAvail = avail;
            }
        }
        if (best == null) {
            throw SandboxException.of(SandboxException.Kind.UNAVAILABLE, "no-storage", "Node " + node + " has no "
                    + "enabled storage for container volumes (content rootdir); set pve.storage or add one.", null);
        }
        return best;
    }
}
