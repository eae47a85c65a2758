package dev.cmux.control.sandbox;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The power actions of a sandbox, as the control API names them, and the PVE call each one is:
 * {@code POST /nodes/{node}/{lxc|qemu}/{vmid}/status/{pvePath}} with {@link #pveOptions}. {@code pause} and
 * {@code hibernate} are PVE's {@code suspend} of a VM to RAM and to disk (docs/pve-qemu.md §3); {@code reboot} is a
 * VM's.
 */
public enum PowerAction {
    START("start", EnumSet.allOf(SandboxKind.class)),
    STOP("stop", EnumSet.allOf(SandboxKind.class)),
    SHUTDOWN("shutdown", EnumSet.allOf(SandboxKind.class)),
    SUSPEND("suspend", EnumSet.allOf(SandboxKind.class)),
    RESUME("resume", EnumSet.allOf(SandboxKind.class)),
    PAUSE("suspend", EnumSet.of(SandboxKind.VM)),
    HIBERNATE("suspend", EnumSet.of(SandboxKind.VM)),
    REBOOT("reboot", EnumSet.of(SandboxKind.VM));

    /** {@code start, stop, …}: for messages that list what is allowed. */
    public static final String NAMES = Arrays.stream(values()).map(PowerAction::pveName)
            .collect(Collectors.joining(", "));

    private final String pvePath;
    private final Set<SandboxKind> kinds;

    PowerAction(String pvePath, Set<SandboxKind> kinds) {
        this.pvePath = pvePath;
        this.kinds = kinds;
    }

    /** The lower-case name the control API uses (PVE's own, but for {@code pause} and {@code hibernate}). */
    public String pveName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The last segment of PVE's {@code status/…} path. */
    public String pvePath() {
        return pvePath;
    }

    /** Whether PVE has this action for sandboxes of {@code kind}. */
    public boolean appliesTo(SandboxKind kind) {
        return kinds.contains(kind);
    }

    /** The form fields the action always carries: {@code todisk=1} makes PVE's suspend a hibernation. */
    public Map<String, Object> pveOptions() {
        return this == HIBERNATE ? Map.of("todisk", true) : Map.of();
    }

    /** The action named exactly {@code text} (lower case), or empty. */
    public static Optional<PowerAction> parse(String text) {
        return Arrays.stream(values()).filter(a -> a.pveName().equals(text)).findFirst();
    }
}
