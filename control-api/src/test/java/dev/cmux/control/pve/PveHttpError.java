package dev.cmux.control.pve;

import java.util.Map;

/** An error answer of the emulator: PVE puts the first line of the message in the reason phrase. */
final class PveHttpError extends RuntimeException {

    final int status;
    final Map<String, String> errors;

    PveHttpError(int status, String message) {
        this(status, message, Map.of());
    }

    PveHttpError(int status, String message, Map<String, String> errors) {
        super(message, null, false, false);
        this.status = status;
        this.errors = errors;
    }

    static PveHttpError die(String message) {
        return new PveHttpError(500, message);
    }
}
