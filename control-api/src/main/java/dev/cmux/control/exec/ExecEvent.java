package dev.cmux.control.exec;

/**
 * One event of a command's run, in cmux-execd's JSON-lines vocabulary: {@code stdout}/{@code stderr} carry one line
 * ({@link #data}), {@code error} a message, {@code exit} the code. The control API streams these as NDJSON.
 */
public record ExecEvent(String type, String data, Integer code) {

    public static ExecEvent stdout(String line) {
        return new ExecEvent("stdout", line, null);
    }

    public static ExecEvent stderr(String line) {
        return new ExecEvent("stderr", line, null);
    }

    public static ExecEvent error(String message) {
        return new ExecEvent("error", message, null);
    }

    public static ExecEvent exit(int code) {
        return new ExecEvent("exit", null, code);
    }
}
