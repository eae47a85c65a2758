package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;

import java.time.Duration;

/**
 * @param connect         TCP connect to a backend
 * @param responseHeaders from the request sent to the response head (execd can be silent for minutes)
 * @param clientIdle      a keep-alive client connection with no request (above cloudflared's 90 s pool idle)
 * @param requestHead     from the first byte of a request to the end of its head (slowloris)
 * @param upgradedIdle    an upgraded (WebSocket) connection with no bytes either way
 * @param shutdownGrace   how long in-flight requests may finish after SIGTERM
 */
public record Timeouts(Duration connect, Duration responseHeaders, Duration clientIdle, Duration requestHead,
                       Duration upgradedIdle, Duration shutdownGrace) {

    public static Timeouts defaults() {
        return new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(300), Duration.ofSeconds(300),
                Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(30));
    }

    static Timeouts read(ConfigSection s) {
        s.allowOnly("connect", "responseHeaders", "clientIdle", "requestHead", "upgradedIdle", "shutdownGrace");
        Timeouts d = defaults();
        Timeouts t = new Timeouts(
                s.value("connect", ConfigValues::duration, d.connect()),
                s.value("responseHeaders", ConfigValues::duration, d.responseHeaders()),
                s.value("clientIdle", ConfigValues::duration, d.clientIdle()),
                s.value("requestHead", ConfigValues::duration, d.requestHead()),
                s.value("upgradedIdle", ConfigValues::duration, d.upgradedIdle()),
                s.value("shutdownGrace", ConfigValues::duration, d.shutdownGrace()));
        if (t.connect().isZero() || t.responseHeaders().isZero() || t.requestHead().isZero()) {
            s.problem("connect, responseHeaders and requestHead must be longer than 0");
        }
        return t;
    }
}
