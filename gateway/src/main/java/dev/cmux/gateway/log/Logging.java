package dev.cmux.gateway.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.cmux.gateway.config.LoggingConfig;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's logging: java.util.logging (our code, the control API) and Netty go through SLF4J to Logback,
 * which writes JSON lines to standard output ({@link JsonLinesConfigurator}). Levels per package come from the config.
 */
public final class Logging {

    /** The JUL loggers given a level, kept from garbage collection (see setLevel). */
    private static final Map<String, java.util.logging.Logger> CONFIGURED = new ConcurrentHashMap<>();

    private Logging() {
    }

    public static void install() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /** Sets the root level and the levels of packages; called at start and on every reload. */
    public static void apply(LoggingConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        setLevel(context, org.slf4j.Logger.ROOT_LOGGER_NAME, "", config.level());
        for (Map.Entry<String, String> e : config.levels().entrySet()) {
            setLevel(context, e.getKey(), e.getKey(), e.getValue());
        }
    }

    private static void setLevel(LoggerContext context, String logbackName, String julName, String level) {
        Level l = Level.toLevel(level, Level.INFO);
        context.getLogger(logbackName).setLevel(l);
        // JUL decides first whether a record reaches the bridge at all. It holds its loggers weakly: a package's
        // logger that nobody references is collected with its level, and its classes fall back to the root's
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(julName);
        jul.setLevel(julLevel(l));
        CONFIGURED.put(julName, jul);
    }

    private static java.util.logging.Level julLevel(Level l) {
        if (l.isGreaterOrEqual(Level.ERROR)) {
            return java.util.logging.Level.SEVERE;
        }
        if (l.isGreaterOrEqual(Level.WARN)) {
            return java.util.logging.Level.WARNING;
        }
        if (l.isGreaterOrEqual(Level.INFO)) {
            return java.util.logging.Level.INFO;
        }
        return l.isGreaterOrEqual(Level.DEBUG) ? java.util.logging.Level.FINE : java.util.logging.Level.FINEST;
    }

    /** Stops the appenders: the last thing a stopping process does. */
    public static void flush() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
