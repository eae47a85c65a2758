package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.sandbox.SandboxNaming;

/**
 * How the control API makes sandboxes.
 *
 * @param naming host names of new sandboxes: {@code cmux-<vmid>} ({@code vmid}, the default) or cmux's
 *               {@code pvelxc-<8 hex>} ({@code instance}); either way both URL forms route to them
 */
public record SandboxesConfig(SandboxNaming naming) {

    public static SandboxesConfig defaults() {
        return new SandboxesConfig(SandboxNaming.VMID);
    }

    static SandboxesConfig read(ConfigSection s) {
        s.allowOnly("naming");
        return new SandboxesConfig(s.value("naming", SandboxNaming::parse, defaults().naming()));
    }
}
