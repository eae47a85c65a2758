package dev.cmux.gateway.log;

/** Where finished access-log lines (one JSON object each, no newline) go. Called from event loops: never block. */
@FunctionalInterface
public interface AccessLogSink {

    void accept(String jsonLine);

    AccessLogSink DISCARD = line -> { };
}
