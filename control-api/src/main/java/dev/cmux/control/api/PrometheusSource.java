package dev.cmux.control.api;

/** Adds lines in the Prometheus text format to {@code GET /metrics}: how the gateway's data plane reports there. */
@FunctionalInterface
public interface PrometheusSource {

    void appendTo(StringBuilder out);
}
