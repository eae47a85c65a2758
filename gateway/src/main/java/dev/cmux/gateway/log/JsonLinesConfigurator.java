package dev.cmux.gateway.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's configuration, in code: diagnostics as one JSON object per line on standard output (journald stores it
 * as it is), {@code {"timestamp","level","loggerName","formattedMessage","throwable"}}, root at INFO; levels per
 * package come from the config file (logging.levels) and change on reload ({@link Logging}). The access log does not
 * pass through here: AccessLogWriter writes its lines in batches from a thread of its own.
 * <p>
 * In code and not in logback.xml because reading XML at start loaded a SAX parser and Joran, some 450 classes: a
 * tenth of what the gateway loads before it listens (issue #23). Found by logback through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}, before any file.
 */
public final class JsonLinesConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithThreadName(false);
        encoder.setWithContext(false);
        encoder.setWithMDC(false);
        encoder.setWithKVPList(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        ConsoleAppender<ILoggingEvent> diagnostics = new ConsoleAppender<>();
        diagnostics.setContext(context);
        diagnostics.setName("DIAGNOSTICS");
        diagnostics.setEncoder(encoder);
        diagnostics.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(diagnostics);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
