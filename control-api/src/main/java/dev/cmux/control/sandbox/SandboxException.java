package dev.cmux.control.sandbox;

/** A sandbox request that cannot be done, for a reason the caller can act on; {@link Kind} picks the HTTP status. */
public final class SandboxException extends RuntimeException {

    public enum Kind { NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;
    private final String code;

    private SandboxException(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    static SandboxException notFound(int vmid) {
        return new SandboxException(Kind.NOT_FOUND, "unknown-sandbox", "There is no sandbox " + vmid
                + " (no container with that id carries the cmux tag).");
    }

    /** It is in a state (running, stopped, locked) that does not allow this now. */
    static SandboxException conflict(String code, String message) {
        return new SandboxException(Kind.CONFLICT, code, message);
    }

    /** Something it needs is missing or did not come up in time: set up, or try again later. */
    static SandboxException unavailable(String code, String message) {
        return new SandboxException(Kind.UNAVAILABLE, code, message);
    }

    public Kind kind() {
        return kind;
    }

    /** Machine-readable, kebab-case, e.g. {@code no-template}. */
    public String code() {
        return code;
    }
}
