package dev.cmux.gateway;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One line per log record on standard error, as journald wants it: {@code LEVEL logger: message}. */
final class OneLineLogFormat extends Formatter {

    private OneLineLogFormat() {
    }

    static void install() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new OneLineLogFormat());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }

    @Override
    public String format(LogRecord r) {
        String name = r.getLoggerName() == null ? "" : r.getLoggerName();
        String shortName = name.substring(name.lastIndexOf('.') + 1);
        StringBuilder line = new StringBuilder(128).append(r.getLevel().getName()).append(' ')
                .append(shortName).append(": ").append(formatMessage(r));
        if (r.getThrown() != null) {
            line.append(" (").append(r.getThrown()).append(')');
        }
        return line.append(System.lineSeparator()).toString();
    }
}
