package dev.cmux.control.pve;

import java.util.Map;

/** An error answer of the emulator: PVE puts the first line of the message in the reason phrase. */
final class PveHttpError extends RuntimeException {

    final int status;
    final Map<String, String> errors;
    /** Answered without a body: pveproxy relays AnyEvent::HTTP's pseudo-status of a failed forward as it is. */
    final boolean bare;

    PveHttpError(int status, String message) {
        this(status, message, Map.of());
    }

    PveHttpError(int status, String message, Map<String, String> errors) {
        this(status, message, errors, false);
    }

    private PveHttpError(int status, String message, Map<String, String> errors, boolean bare) {
        super(message, null, false, false);
        this.status = status;
        this.errors = errors;
        this.bare = bare;
    }

    static PveHttpError die(String message) {
        return new PveHttpError(500, message);
    }

    /** A forward to a node that cannot be reached: {@code 595 <connect error>} and an empty body. */
    static PveHttpError unreachable(String reason) {
        return new PveHttpError(595, reason, Map.of(), true);
    }
}
