package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The emulator's HTTP side, as pveproxy answers: token auth with an empty 401, the path under {@code /api2/json},
 * the body and query merged, every request checked against the schema excerpt (a mismatch answered like PVE answers
 * it and recorded as a violation), a {@code {node}} call forwarded to its node, errors in the reason phrase.
 */
final class PveApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PveSchema schema = PveSchema.load();
    private final EmulatedCluster cluster;
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> responses = Collections.synchronizedList(new ArrayList<>());

    PveApi(EmulatedCluster cluster) {
        this.cluster = cluster;
    }

    /** One connection's handler: answers each request, records it, closes after an error as pveproxy does. */
    ChannelHandler connection() {
        return new Connection();
    }

    private final class Connection extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            try {
                response = answer(request);
            } catch (PveHttpError e) {
                response = error(e);
            } catch (RuntimeException e) {
                violations.add("emulator failure on " + request.method() + " " + request.uri() + ": " + e);
                response = error(PveHttpError.die(String.valueOf(e)));
            }
            responses.add(request.method() + " " + new QueryStringDecoder(request.uri()).rawPath() + " -> "
                    + response.status().code() + " " + response.status().reasonPhrase());
            boolean close = response.status().code() >= 400 || !HttpUtil.isKeepAlive(request);
            if (close) {
                response.headers().set(HttpHeaderNames.CONNECTION, "close");
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // TLS handshakes that a test makes fail on purpose end here
        }
    }

    private FullHttpResponse answer(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String method = request.method().name();
        String rawPath = uri.rawPath();
        requests.add(method + " " + rawPath);
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null) {
            return unauthorized("No ticket");
        }
        if (!auth.equals("PVEAPIToken=" + PveEmulator.TOKEN)) {
            return unauthorized("Authentication failed!");
        }
        if (!rawPath.startsWith("/api2/json/")) {
            violations.add(method + " " + rawPath + ": not under /api2/json");
            throw new PveHttpError(501, "no formatter for uri " + rawPath);
        }
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.substring("/api2/json/".length()).split("/", -1)) {
            segments.add(QueryStringDecoder.decodeComponent(s));
        }
        String path = "/" + String.join("/", segments).replace("//", "/");
        String body = request.content().toString(StandardCharsets.UTF_8);
        if ((method.equals("GET") || method.equals("DELETE")) && !body.isEmpty()) {
            violations.add(method + " " + path + ": body on " + method);
            throw new PveHttpError(501, "Unexpected content for method '" + method + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (!body.isEmpty()) {
            String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (!type.startsWith("application/x-www-form-urlencoded")) {
                violations.add(method + " " + path + ": body of type " + type);
            }
            new QueryStringDecoder(body, StandardCharsets.UTF_8, false)
                    .parameters().forEach((k, v) -> params.put(k, String.join(PveEmulator.REPEATED, v)));
        }
        uri.parameters().forEach((k, v) -> params.put(k, String.join(PveEmulator.REPEATED, v)));
        String pathForSchema = path;
        PveSchema.Endpoint endpoint = schema.find(method, pathForSchema).orElseThrow(() -> {
            violations.add(method + " " + path + ": not in the PVE schema excerpt");
            return new PveHttpError(501, "Method '" + method + " " + path + "' not implemented");
        });
        Map<String, String> vars = endpoint.match(method, path).orElseThrow();
        Map<String, String> all = new LinkedHashMap<>(params);
        all.putAll(vars);
        Set<String> unknown = cluster.release.startsWith("8.") ? endpoint.addedSince84() : Set.of();
        Map<String, String> errors = schema.validate(endpoint, all, unknown);
        if (!errors.isEmpty()) {
            // a parameter only a newer release knows is what a client probes on purpose (and falls back from), not
            // a request every PVE rejects
            if (!unknown.containsAll(errors.keySet())) {
                violations.add(method + " " + path + ": " + errors);
            }
            throw new PveHttpError(400, "Parameter verification failed.", errors);
        }
        String node = vars.get("node");
        if (node != null) {
            cluster.nodes.forward(node); // every {node} path of the excerpt is proxyto => 'node'
        }
        Object data = cluster.nodes.on(node, () -> Endpoints.dispatch(cluster, method + " " + endpoint.template(),
                vars, params));
        if (data instanceof Endpoints.WithTotal t) {
            return ok(Map.of("data", t.data(), "total", t.total()));
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("data", data);
        return ok(envelope);
    }

    private static FullHttpResponse ok(Object envelope) {
        FullHttpResponse r = json(HttpResponseStatus.OK, envelope);
        r.headers().set(HttpHeaderNames.SERVER, "pve-api-daemon/3.0");
        return r;
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json;charset=UTF-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PVE's 401: no Content-Type, no Content-Length, no body, and the connection closes. */
    private static FullHttpResponse unauthorized(String reason) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(401, reason),
                Unpooled.EMPTY_BUFFER);
    }

    private static FullHttpResponse error(PveHttpError e) {
        if (e.bare) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    new HttpResponseStatus(e.status, e.getMessage()), Unpooled.EMPTY_BUFFER);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return r;
        }
        String message = e.getMessage();
        String firstLine = message.lines().findFirst().orElse("");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        body.put("message", message.endsWith("\n") ? message : message + "\n");
        if (!e.errors.isEmpty()) {
            body.put("errors", e.errors);
        }
        return json(new HttpResponseStatus(e.status, firstLine), body);
    }
}
