package dev.cmux.gateway.config;

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

    public Timeouts withConnect(Duration d) {
        return new Timeouts(d, responseHeaders, clientIdle, requestHead, upgradedIdle, shutdownGrace);
    }

    public Timeouts withResponseHeaders(Duration d) {
        return new Timeouts(connect, d, clientIdle, requestHead, upgradedIdle, shutdownGrace);
    }

    public Timeouts withClientIdle(Duration d) {
        return new Timeouts(connect, responseHeaders, d, requestHead, upgradedIdle, shutdownGrace);
    }

    public Timeouts withRequestHead(Duration d) {
        return new Timeouts(connect, responseHeaders, clientIdle, d, upgradedIdle, shutdownGrace);
    }

    public Timeouts withUpgradedIdle(Duration d) {
        return new Timeouts(connect, responseHeaders, clientIdle, requestHead, d, shutdownGrace);
    }

    public Timeouts withShutdownGrace(Duration d) {
        return new Timeouts(connect, responseHeaders, clientIdle, requestHead, upgradedIdle, d);
    }
}
