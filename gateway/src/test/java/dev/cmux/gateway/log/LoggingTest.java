package dev.cmux.gateway.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.cmux.gateway.config.LoggingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Levels per package from the config reach both Logback and java.util.logging (which gates the bridge). */
class LoggingTest {

    @AfterEach
    void reset() {
        Logging.apply(LoggingConfig.defaults());
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.cmux.gateway.exchange").setLevel(null);
        java.util.logging.Logger.getLogger("dev.cmux.gateway.exchange").setLevel(null);
    }

    @Test
    void aPackageAtDebugLogsDebugWhileTheRestStaysAtInfo() {
        Logging.apply(new LoggingConfig("info", Map.of("dev.cmux.gateway.exchange", "debug")));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertEquals(Level.DEBUG, context.getLogger("dev.cmux.gateway.exchange").getLevel());
        assertTrue(java.util.logging.Logger.getLogger("dev.cmux.gateway.exchange.ClientConnection")
                .isLoggable(java.util.logging.Level.FINE));
        assertFalse(java.util.logging.Logger.getLogger("dev.cmux.gateway.route.HostRouter")
                .isLoggable(java.util.logging.Level.FINE));
        assertTrue(context.getLogger("dev.cmux.gateway.exchange.Exchange").isDebugEnabled());
        assertFalse(context.getLogger("dev.cmux.gateway.route").isDebugEnabled());
    }

    @Test
    void aPackageKeepsItsLevelWhenNothingElseHoldsItsLogger() {
        Logging.apply(new LoggingConfig("info", Map.of("dev.cmux.gateway.exchange", "debug")));
        for (int i = 0; i < 3; i++) {
            System.gc(); // JUL holds loggers weakly: an unreferenced package logger goes, and its level with it
        }
        // a later change above it makes every logger below work out its level again
        java.util.logging.Logger.getLogger("dev.cmux").setLevel(java.util.logging.Level.INFO);
        try {
            assertTrue(java.util.logging.Logger.getLogger("dev.cmux.gateway.exchange.ClientConnection")
                    .isLoggable(java.util.logging.Level.FINE));
        } finally {
            java.util.logging.Logger.getLogger("dev.cmux").setLevel(null);
        }
    }

    @Test
    void theRootLevelCanBeRaised() {
        Logging.apply(new LoggingConfig("warn", Map.of()));
        assertFalse(java.util.logging.Logger.getLogger("cmux-gateway").isLoggable(java.util.logging.Level.INFO));
        assertTrue(java.util.logging.Logger.getLogger("cmux-gateway").isLoggable(java.util.logging.Level.WARNING));
    }
}
