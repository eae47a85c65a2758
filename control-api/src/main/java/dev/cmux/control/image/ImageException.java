package dev.cmux.control.image;

/**
 * A preset, template or snapshot request that cannot be done, for a reason the caller can act on; {@link Kind}
 * picks the HTTP status. When PVE said no, its words are in the message and its status in {@link #pveStatus()}.
 */
public final class ImageException extends RuntimeException {

    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;
    private final String code;
    private final Object details;

    ImageException(Kind kind, String code, String message, Object details) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.details = details;
    }

    ImageException(Kind kind, String code, String message, Object details, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
        this.details = details;
    }

    public Kind kind() {
        return kind;
    }

    /** Machine-readable, kebab-case, e.g. {@code unknown-preset}. */
    public String code() {
        return code;
    }

    /** Extra facts for the caller (e.g. the linked clones that keep a template), or null. */
    public Object details() {
        return details;
    }
}
