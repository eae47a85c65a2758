package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Plain HTTP probes without credentials: local processes (cloudflared's metrics, the gateway) and public keys (an
 * Access team's). Separate from the Cloudflare client on purpose: the API token must never be sent to a local port.
 */
public final class LocalProbe {

    /**
     * Status, body and the answer's {@code Date}, or the failure as a sentence fragment ("connection refused").
     *
     * @param date when the server says it answered; null when it did not say
     */
    public record Result(int status, String body, String failure, Instant date) {
        public boolean answered() {
            return failure == null;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public Result get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Instant date = response.headers().firstValue("Date").map(LocalProbe::httpDate).orElse(null);
            return new Result(response.statusCode(), response.body(), null, date);
        } catch (HttpConnectTimeoutException e) {
            return failed("connection timed out");
        } catch (HttpTimeoutException e) {
            return failed("no answer within 5 s");
        } catch (ConnectException e) {
            return failed("connection refused");
        } catch (IOException e) {
            return failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted");
        }
    }

    private static Result failed(String why) {
        return new Result(0, "", why, null);
    }

    private static Instant httpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
