package dev.cmux.control.sandbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The power actions of a sandbox, as PVE names them in {@code POST /nodes/{node}/lxc/{vmid}/status/{action}}. */
public enum PowerAction {
    START, STOP, SHUTDOWN, SUSPEND, RESUME;

    /** {@code start, stop, shutdown, suspend, resume}: for messages that list what is allowed. */
    public static final String NAMES = Arrays.stream(values()).map(PowerAction::pveName)
            .collect(Collectors.joining(", "));

    /** The lower-case name PVE and the control API use. */
    public String pveName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named exactly {@code text} (lower case), or empty. */
    public static Optional<PowerAction> parse(String text) {
        return Arrays.stream(values()).filter(a -> a.pveName().equals(text)).findFirst();
    }
}
