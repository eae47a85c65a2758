package dev.cmux.control.sandbox;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How a new sandbox's host name (its instance id) is chosen ({@code sandboxes.naming}): {@code cmux-<vmid>}, or
 * cmux's own {@code pvelxc-<8 hex>} (cmux.md §0, §1.4), which cannot be guessed from a neighbour's. Either way the
 * sandbox is reachable at {@code port-P-vm-V} and at {@code port-P-<hostname>}.
 */
public enum SandboxNaming {
    VMID,
    INSTANCE;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The host name for a new sandbox {@code vmid}. */
    public String hostname(int vmid) {
        if (this == VMID) {
            return new SandboxId(vmid).hostname();
        }
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        return "pvelxc-" + HexFormat.of().formatHex(id);
    }

    /** {@code vmid} or {@code instance}, as written in the config. */
    public static SandboxNaming parse(String text) {
        return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
            case "vmid" -> VMID;
            case "instance" -> INSTANCE;
            default -> throw new IllegalArgumentException("must be vmid or instance, not '" + text + "'");
        };
    }
}
