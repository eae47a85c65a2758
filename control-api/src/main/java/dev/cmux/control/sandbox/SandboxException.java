package dev.cmux.control.sandbox;

/**
 * A request about sandboxes, their presets, templates or snapshots that cannot be done, for a reason the caller can
 * act on; {@link Kind} picks the HTTP status, {@link #details()} adds facts (e.g. the clones that keep a template).
 */
public final class SandboxException extends RuntimeException {

    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;
    private final String code;
    private final Object details;

    private SandboxException(Kind kind, String code, String message, Object details, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
        this.details = details;
    }

    private SandboxException(Kind kind, String code, String message) {
        this(kind, code, message, null, null);
    }

    /** For the packages beside this one ({@code image}): any kind, with details, and PVE's refusal as the cause. */
    public static SandboxException of(Kind kind, String code, String message, Object details, Throwable cause) {
        return new SandboxException(kind, code, message, details, cause);
    }

    public static SandboxException of(Kind kind, String code, String message, Object details) {
        return new SandboxException(kind, code, message, details, null);
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

    /** Extra facts for the caller, or null. */
    public Object details() {
        return details;
    }
}
