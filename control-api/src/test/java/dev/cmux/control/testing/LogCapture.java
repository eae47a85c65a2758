package dev.cmux.control.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one JUL logger writes while a test runs, from {@code level} up; closing detaches it and restores the logger's
 * level. Holds the logger, so its level is not collected with it meanwhile.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level before;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger, Level level) {
        this.logger = logger;
        this.before = logger.getLevel();
        setLevel(level);
        if (before == null || before.intValue() > level.intValue()) {
            logger.setLevel(level);
        }
        logger.addHandler(this);
    }

    /** Records of {@code loggerName} at {@code level} or above from now on. */
    public static LogCapture of(String loggerName, Level level) {
        return new LogCapture(Logger.getLogger(loggerName), level);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages, in the order they were written. */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(before);
    }
}
