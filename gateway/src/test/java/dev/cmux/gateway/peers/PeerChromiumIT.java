package dev.cmux.gateway.peers;

import dev.cmux.gateway.testing.PeerProcess;
import dev.cmux.gateway.testing.GatewayJar;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium opens a preview app on {@code http://port-<p>-vm-200.sandbox.test:<gateway>/} through the
 * gateway and uses it as a page would: an {@code EventSource} stream and a large {@code fetch} upload.
 */
class PeerChromiumIT {

    private static final Path ARTIFACTS = Path.of("target", "peers", "PeerChromiumIT");
    private static final int EVENTS = 20;
    private static final int BODY_BYTES = 50 * 1024 * 1024;

    private static GatewayJar gateway;
    private static PreviewApp app;
    private static HeadlessChromium chromium;
    private static URI page;

    @BeforeAll
    @Timeout(120)
    static void startGatewayAppAndBrowser() throws Exception {
        Installed.chromium();
        Installed.recordVersions(ARTIFACTS, List.of("chromium"), List.of());
        gateway = GatewayJar.start(ARTIFACTS);
        app = new PreviewApp();
        page = gateway.sandboxUrl(app.port(), "/");
        // crypto.subtle (SHA-256 in the page) exists only in secure contexts; the sandbox is plain http here
        chromium = HeadlessChromium.start(ARTIFACTS, "http://" + page.getAuthority());
    }

    @AfterAll
    static void stopPeers() {
        PeerProcess.closeAll(chromium, app, gateway);
    }

    @Test
    @Timeout(120)
    void anEventSourceGetsEachEventWhileTheServerHoldsTheResponseOpen() throws Exception {
        chromium.page().navigate(page, Duration.ofSeconds(30));

        // the server sends event n+1 only after the page acknowledged event n: a gateway that buffered the stream
        // would hold event n back, the acknowledgement would never come, and the stream would stall
        JsonNode received = chromium.page().evaluate("""
                new Promise((resolve, reject) => {
                  const count = %d, got = [];
                  const es = new EventSource('/events?count=' + count);
                  const stop = (err) => { es.close(); err ? reject(err) : resolve(got); };
                  es.onmessage = (e) => {
                    got.push({ n: Number(e.data), at: Date.now() });
                    fetch('/ack?n=' + e.data, { method: 'POST' })
                      .then((r) => { if (r.status !== 204) throw new Error('ack ' + e.data + ': ' + r.status); })
                      .then(() => { if (got.length === count) stop(); }, stop);
                  };
                  es.onerror = () => { if (got.length < count) stop(new Error('EventSource error after '
                      + got.length + ' events, readyState ' + es.readyState)); };
                  setTimeout(() => stop(new Error('only ' + got.length + ' events within 60 s')), 60000);
                })""".formatted(EVENTS), Duration.ofSeconds(90));

        assertEquals(List.of(), app.problems);
        assertEquals(EVENTS, received.size(), received.toString());
        List<Long> latencies = new ArrayList<>();
        for (int n = 0; n < EVENTS; n++) {
            assertEquals(n, received.get(n).get("n").asInt(), "in order: " + received);
            latencies.add(received.get(n).get("at").asLong() - app.eventSentMillis.get(n));
        }
        assertEquals(1, app.eventStreams.get(), "one response carried every event (no reconnect)");
        System.out.println("EventSource: " + EVENTS + " events one at a time; server-send to page-receive ms: "
                + latencies);
        gateway.awaitAccessLog(0, e -> e.get("path").asText().equals("/events"),
                entries -> entries.size() == 1 && entries.get(0).get("status").asInt() == 200, "one GET /events, 200");
    }

    @Test
    @Timeout(60)
    void closingAnEventSourceInThePageEndsTheStreamAtTheServer() throws Exception {
        chromium.page().navigate(page, Duration.ofSeconds(30));

        JsonNode closedAt = chromium.page().evaluate("""
                new Promise((resolve, reject) => {
                  const es = new EventSource('/ticks');
                  let ticks = 0;
                  es.onmessage = () => { if (++ticks === 3) { es.close(); resolve(Date.now()); } };
                  es.onerror = () => { es.close(); reject(new Error('EventSource error after ' + ticks + ' ticks')); };
                })""", Duration.ofSeconds(30));

        // the gateway closes its backend connection when the browser closes its own, so the server's next writes fail
        long endedAt = app.ticksEnded.get(20, TimeUnit.SECONDS);
        System.out.println("EventSource closed in the page; the server noticed " + (endedAt - closedAt.asLong())
                + " ms later");
        assertEquals(List.of(), app.problems);
    }

    @Test
    @Timeout(120)
    void aFiftyMebibyteFetchUploadArrivesByteIdentical() throws Exception {
        chromium.page().navigate(page, Duration.ofSeconds(30));

        JsonNode result = chromium.page().evaluate("""
                (async () => {
                  const size = %d, body = new Uint8Array(size);
                  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(body.subarray(i, i + 65536));
                  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
                  const sent = hex(await crypto.subtle.digest('SHA-256', body));
                  const response = await fetch('/upload', { method: 'POST', body,
                      headers: { 'Content-Type': 'application/octet-stream' } });
                  const received = (await response.text()).trim();
                  return { status: response.status, sent, received, identical: sent === received };
                })()""".formatted(BODY_BYTES), Duration.ofSeconds(100));

        assertEquals(200, result.get("status").asInt(), result.toString());
        assertTrue(result.get("identical").asBoolean(), "the page compared the server's SHA-256 with its own: " + result);
        assertEquals(List.of(), app.problems);
        assertEquals(1, app.uploads.size());
        PreviewApp.Upload upload = app.uploads.get(0);
        assertEquals(BODY_BYTES, upload.bytes());
        assertEquals(result.get("sent").asText(), upload.sha256());
        System.out.println("upload: " + upload);
        gateway.awaitAccessLog(0, e -> e.get("path").asText().equals("/upload"),
                entries -> entries.size() == 1 && entries.get(0).get("bytesIn").asLong() == BODY_BYTES,
                "one POST /upload with " + BODY_BYTES + " bytes in");
    }

    @Test
    @Timeout(120)
    void aFiftyMebibyteDownloadOfUnknownLengthArrivesByteIdentical() throws Exception {
        chromium.page().navigate(page, Duration.ofSeconds(30));

        JsonNode result = chromium.page().evaluate("""
                (async () => {
                  const response = await fetch('/download?bytes=%d');
                  const body = await response.arrayBuffer();
                  const digest = await crypto.subtle.digest('SHA-256', body);
                  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
                  return { status: response.status, bytes: body.byteLength, sha256: hex };
                })()""".formatted(BODY_BYTES), Duration.ofSeconds(100));

        assertEquals(200, result.get("status").asInt(), result.toString());
        assertEquals(BODY_BYTES, result.get("bytes").asLong(), result.toString());
        assertEquals(List.of(), app.problems);
        assertEquals(List.of(result.get("sha256").asText()), app.downloads, "the page got what the server sent");
    }
}
