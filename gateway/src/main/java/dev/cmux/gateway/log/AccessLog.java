package dev.cmux.gateway.log;

import dev.cmux.gateway.metrics.GatewayMetrics;

import java.time.Instant;

/**
 * One JSON line per request. Paths lose their query strings (tokens live there: {@code ?auth=}, {@code ?tkn=})
 * and no request header value is logged at all, so {@code Authorization} and cookies cannot leak.
 */
public final class AccessLog {

    private final AccessLogSink sink;
    private final GatewayMetrics metrics;

    public AccessLog(AccessLogSink sink, GatewayMetrics metrics) {
        this.sink = sink;
        this.metrics = metrics;
    }

    /** @param sink where lines go; {@code null} when the access log is off (the counters still count) */
    public void log(Entry e) {
        metrics.request(e.status, e.error, e.bytesIn, e.bytesOut);
        if (sink == null) {
            return; // nothing formatted for nobody: a quarter of the hot path's allocation (bench/results)
        }
        StringBuilder json = new StringBuilder(256);
        json.append("{\"ts\":\"").append(Instant.ofEpochMilli(e.startMillis)).append('"');
        field(json, "client", e.client);
        field(json, "method", e.method);
        field(json, "host", e.host);
        field(json, "path", pathWithoutQuery(e.uri));
        json.append(",\"status\":").append(e.status);
        field(json, "upstream", e.upstream);
        json.append(",\"bytesIn\":").append(e.bytesIn);
        json.append(",\"bytesOut\":").append(e.bytesOut);
        json.append(",\"durationMs\":").append(e.durationMillis);
        if (e.error != null) {
            field(json, "error", e.error);
        }
        if (e.upgraded) {
            json.append(",\"upgraded\":true");
        }
        if (e.clientAborted) {
            json.append(",\"clientAborted\":true");
        }
        if (e.woken) {
            json.append(",\"woken\":true");
        }
        json.append('}');
        sink.accept(json.toString());
    }

    static String pathWithoutQuery(String uri) {
        if (uri == null) {
            return null;
        }
        int cut = uri.length();
        int q = uri.indexOf('?');
        if (q >= 0) {
            cut = q;
        }
        int hash = uri.indexOf('#');
        if (hash >= 0 && hash < cut) {
            cut = hash;
        }
        return uri.substring(0, cut);
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":");
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** What one request did; filled in as the request goes, logged once at its end. */
    public static final class Entry {
        public long startMillis;
        public String client;
        public String method;
        public String host;
        public String uri;
        public int status;
        public String upstream;
        public long bytesIn;
        public long bytesOut;
        public long durationMillis;
        public String error;
        public boolean upgraded;
        public boolean clientAborted;
        /** The request met its sandbox asleep: it waited for the wake, or got the starting page. */
        public boolean woken;

        /** What is known when the request head arrives. */
        public void begin(long startMillis, String method, String uri, String host, String client) {
            this.startMillis = startMillis;
            this.client = client;
            this.method = method;
            this.uri = uri;
            this.host = host;
        }
    }
}
