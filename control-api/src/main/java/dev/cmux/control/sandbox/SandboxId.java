package dev.cmux.control.sandbox;

/**
 * A sandbox's PVE vmid: PVE's range 100-999999999, written in decimal without leading zeros (one spelling per
 * sandbox, so a host name or path names it exactly once). The container's host name is {@code cmux-<vmid>}.
 */
public record SandboxId(int value) {

    public static final int MIN = 100;
    public static final int MAX = 999_999_999;
    private static final String HOSTNAME_PREFIX = "cmux-";

    public SandboxId {
        if (!inRange(value)) {
            throw new IllegalArgumentException(value + " is not a vmid (a number from " + MIN + " to " + MAX + ")");
        }
    }

    /** For scanners that read the digits themselves (the Host header router) and must not allocate. */
    public static boolean inRange(long vmid) {
        return vmid >= MIN && vmid <= MAX;
    }

    /** Decimal digits, no sign, no leading zero. */
    public static SandboxId parse(String text) {
        if (text == null || !text.matches("[1-9][0-9]{2,8}")) {
            throw new IllegalArgumentException("'" + text + "' is not a vmid (a number from " + MIN + " to " + MAX
                    + ")");
        }
        return new SandboxId(Integer.parseInt(text));
    }

    /** The container's host name, and with the DNS suffix the name the gateway resolves. */
    public String hostname() {
        return HOSTNAME_PREFIX + value;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
