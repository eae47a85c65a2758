package dev.cmux.control.api;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics read the way a scraper reads them: a source as text, the value of one series in a text. */
public final class MetricsText {

    private MetricsText() {
    }

    /** {@code source} in the Prometheus text format, as {@code GET /metrics} writes it. */
    public static String of(PrometheusSource source) {
        return PrometheusTextFormatWriter.create().toDebugString(source.scrape());
    }

    /** The value of {@code series} (its name and labels as written); fails when the text has no such line. */
    public static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), () -> "no series " + series + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
