package dev.cmux.control.exec;

/** Receives events as they happen, for streaming; called from the thread that runs the command. */
@FunctionalInterface
public interface ExecListener {

    ExecListener NONE = event -> { };

    void onEvent(ExecEvent event);
}
