package dev.cmux.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/** Which responses are flushed chunk by chunk instead of once per read (SSE, NDJSON, JSON lines). */
final class StreamingPolicy {

    private static final String[] STREAM_TYPES = {
        "text/event-stream", "application/x-ndjson", "application/jsonlines", "application/json-seq",
        "application/stream+json",
    };

    private StreamingPolicy() {
    }

    static boolean isStream(HttpResponse response) {
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        for (String streamType : STREAM_TYPES) {
            if (type.regionMatches(true, 0, streamType, 0, streamType.length())) {
                return true;
            }
        }
        return false;
    }
}
