package dev.cmux.control.sandbox;

/** A sandbox request that cannot be done, for a reason the caller can act on; {@link Kind} picks the HTTP status. */
public final class SandboxException extends RuntimeException {

    public enum Kind { BAD_INPUT, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;
    private final String code;

    public SandboxException(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** Machine-readable, kebab-case, e.g. {@code not-a-sandbox}. */
    public String code() {
        return code;
    }

    static SandboxException notFound(int vmid) {
        return new SandboxException(Kind.NOT_FOUND, "unknown-sandbox", "There is no sandbox " + vmid
                + " (no container with that id carries the cmux tag).");
    }
}
