package dev.cmux.bench.harness;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Progress on stderr, one line with the UTC time each, as run.sh writes its own. */
final class Log {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Log() {
    }

    static void line(String text) {
        System.err.println("[" + LocalTime.now(ZoneOffset.UTC).format(TIME) + "] " + text);
    }
}
