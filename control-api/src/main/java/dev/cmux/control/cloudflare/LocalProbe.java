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

/**
 * Plain HTTP probes of local processes (cloudflared's metrics, the gateway). Separate from the
 * Cloudflare client on purpose: the API token must never be sent to a local port.
 */
final class LocalProbe {

    /** Status and body, or the failure as a sentence fragment ("connection refused"). */
    record Result(int status, String body, String failure) {
        boolean answered() {
            return failure == null;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    Result get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Result(response.statusCode(), response.body(), null);
        } catch (HttpConnectTimeoutException e) {
            return new Result(0, "", "connection timed out");
        } catch (HttpTimeoutException e) {
            return new Result(0, "", "no answer within 5 s");
        } catch (ConnectException e) {
            return new Result(0, "", "connection refused");
        } catch (IOException e) {
            return new Result(0, "", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(0, "", "interrupted");
        }
    }
}
