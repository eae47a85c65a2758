package dev.cmux.control.sandbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a sandbox is on PVE: an LXC container or a QEMU VM. The API and the metadata say {@code lxc} / {@code vm};
 * PVE's paths and {@code /cluster/resources} say {@code lxc} / {@code qemu}. A vmid's kind is read from
 * {@code /cluster/resources} ({@code type}), never guessed.
 */
public enum SandboxKind {
    LXC("lxc", "lxc"),
    VM("vm", "qemu");

    private final String apiName;
    private final String pveType;

    SandboxKind(String apiName, String pveType) {
        this.apiName = apiName;
        this.pveType = pveType;
    }

    /** {@code lxc} or {@code vm}: the API's, the CLI's and the metrics' word. */
    public String apiName() {
        return apiName;
    }

    /** {@code lxc} or {@code qemu}: the path segment of PVE's API and the {@code type} of its resources. */
    public String pveType() {
        return pveType;
    }

    /** The kind of a {@code /cluster/resources} entry's {@code type}; empty for anything that is not a guest. */
    public static Optional<SandboxKind> ofPveType(String type) {
        return Arrays.stream(values()).filter(k -> k.pveType.equals(type)).findFirst();
    }

    /** The kind named {@code text} ({@code lxc} or {@code vm}, any case), or empty. */
    public static Optional<SandboxKind> parse(String text) {
        String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.apiName.equals(lower)).findFirst();
    }
}
