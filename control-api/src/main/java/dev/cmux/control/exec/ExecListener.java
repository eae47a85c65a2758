package dev.cmux.control.exec;

/**
 * Receives events as they happen, for streaming; called from the thread that reads the command's output. Throwing
 * (e.g. because the streaming client went away) abandons the run: the execd call is closed, which makes execd kill
 * the command, and a pct process is killed.
 */
@FunctionalInterface
public interface ExecListener {

    ExecListener NONE = event -> { };

    void onEvent(ExecEvent event);
}
