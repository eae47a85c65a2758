package dev.cmux.control.config;

import dev.cmux.control.image.Preset;
import dev.cmux.control.sandbox.Placement;
import dev.cmux.control.sandbox.SandboxId;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * How to reach the Proxmox VE API. Disabled when {@link #apiUrl()} or {@link #apiToken()} is missing.
 *
 * @param apiUrl         e.g. {@code https://127.0.0.1:8006/api2/json} (env {@code PVE_API_URL})
 * @param apiToken       {@code user@realm!tokenid=secret} (env {@code PVE_API_TOKEN})
 * @param node           node name, or {@code auto} to take the only/local node (env {@code PVE_NODE})
 * @param templateVmid   the container template that sandboxes are cloned from (env {@code PVE_TEMPLATE_VMID})
 * @param verifyTls      verify the API certificate (env {@code PVE_VERIFY_TLS}); false only when set explicitly
 * @param tlsFingerprint SHA-256 fingerprint of the API certificate to pin (env {@code PVE_TLS_FINGERPRINT})
 * @param caFile         CA file to verify against, e.g. {@code /etc/pve/pve-root-ca.pem}
 * @param storage        where full clones go: a storage name, or {@code auto} (env {@code PVE_STORAGE})
 * @param presets        the {@code presets:} of the config (a top-level list: presets are more than PVE access)
 * @param placement      the node new sandboxes go to: {@code template} (its node), {@code most-free-memory} or a
 *                       node's name (env {@code PVE_PLACEMENT}; {@code Placement})
 */
public record PveConfig(URI apiUrl, String apiToken, String node, Integer templateVmid,
                        boolean verifyTls, String tlsFingerprint, Path caFile, String storage, List<Preset> presets,
                        String placement) {

    public PveConfig {
        storage = storage == null || storage.isBlank() ? "auto" : storage;
        presets = presets == null ? List.of() : List.copyOf(presets);
        placement = placement == null || placement.isBlank() ? Placement.TEMPLATE : placement;
    }

    /** Placed as {@code template}. */
    public PveConfig(URI apiUrl, String apiToken, String node, Integer templateVmid, boolean verifyTls,
                     String tlsFingerprint, Path caFile, String storage, List<Preset> presets) {
        this(apiUrl, apiToken, node, templateVmid, verifyTls, tlsFingerprint, caFile, storage, presets, null);
    }

    public PveConfig(URI apiUrl, String apiToken, String node, Integer templateVmid, boolean verifyTls,
                     String tlsFingerprint, Path caFile) {
        this(apiUrl, apiToken, node, templateVmid, verifyTls, tlsFingerprint, caFile, "auto", List.of());
    }

    public static PveConfig defaults() {
        return new PveConfig(null, null, "auto", null, true, null, null);
    }

    /** The {@code pve} section with its environment overrides, and the top-level {@code presets} list. */
    public static PveConfig read(ConfigSection s, List<ConfigSection> presets) {
        s.allowOnly("apiUrl", "apiToken", "node", "templateVmid", "verifyTls", "tlsFingerprint", "caFile",
                "storage", "placement");
        PveConfig d = defaults();
        return new PveConfig(
                s.value("apiUrl", "PVE_API_URL", ConfigValues::httpUrl, d.apiUrl()),
                s.string("apiToken", "PVE_API_TOKEN"),
                s.value("node", "PVE_NODE", Function.identity(), d.node()),
                s.value("templateVmid", "PVE_TEMPLATE_VMID", v -> SandboxId.parse(v).value(), d.templateVmid()),
                s.value("verifyTls", "PVE_VERIFY_TLS", ConfigValues::bool, d.verifyTls()),
                s.value("tlsFingerprint", "PVE_TLS_FINGERPRINT", ConfigValues::fingerprint, d.tlsFingerprint()),
                s.value("caFile", Path::of, d.caFile()),
                s.value("storage", "PVE_STORAGE", PveConfig::storageName, d.storage()),
                Preset.readAll(presets),
                s.value("placement", "PVE_PLACEMENT", Placement::parse, d.placement()));
    }

    /** {@code auto} or a PVE storage id (pve-common {@code JSONSchema.pm parse_id}: 2+ characters, letter first). */
    private static String storageName(String text) {
        if (!text.equals("auto") && !text.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
            throw new IllegalArgumentException("must be auto or a storage name such as local-lvm");
        }
        return text;
    }

    /** The same with new sandboxes placed as {@code next} says. */
    public PveConfig withPlacement(String next) {
        return new PveConfig(apiUrl, apiToken, node, templateVmid, verifyTls, tlsFingerprint, caFile, storage, presets,
                Placement.parse(next));
    }

    public boolean enabled() {
        return apiUrl != null && apiToken != null && !apiToken.isEmpty();
    }

    @Override
    public String toString() {
        return "PveConfig[apiUrl=" + apiUrl + ", apiToken=" + Secrets.redact(apiToken) + ", node=" + node
                + ", templateVmid=" + templateVmid + ", verifyTls=" + verifyTls
                + ", tlsFingerprint=" + tlsFingerprint + ", caFile=" + caFile + ", storage=" + storage
                + ", presets=" + presets + ", placement=" + placement + "]";
    }
}
