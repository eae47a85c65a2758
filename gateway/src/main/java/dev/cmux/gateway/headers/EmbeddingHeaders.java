package dev.cmux.gateway.headers;

import dev.cmux.gateway.config.EmbeddingConfig;
import dev.cmux.gateway.config.PortRange;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lets the dashboard origins of {@code embedding} frame sandboxes and call them with CORS, what cmux's Caddy did with
 * {@code header_down} (cmux.md §3.5, §7 "Iframes blocked"), but for exactly those origins instead of everyone:
 * <ul>
 *   <li>{@code X-Frame-Options} goes (it cannot name an origin); the {@code frame-ancestors} directive of every
 *       {@code Content-Security-Policy} becomes {@code 'self'} and the origins, the other directives kept as they
 *       were; a response that had only {@code X-Frame-Options} gets a policy of that directive alone, so other
 *       origins stay unable to frame it. A response that refused no one is left so (a preview framed by VS Code,
 *       itself framed by the dashboard, keeps working);
 *   <li>{@code Cross-Origin-Resource-Policy} becomes {@code cross-origin} (noVNC sends {@code same-origin});
 *       {@code Cross-Origin-Embedder-Policy} and {@code Cross-Origin-Opener-Policy} go;
 *   <li>for a request from one of the origins, the sandbox's own {@code Access-Control-*} are replaced by the
 *       gateway's (that origin, with credentials), never sent twice; preflights from them are answered here.
 * </ul>
 * Built once per config; with embedding off {@link #enabled()} is false and nothing else is looked at.
 */
public final class EmbeddingHeaders {

    public static final EmbeddingHeaders OFF = new EmbeddingHeaders(null, List.of());

    private static final AsciiString X_FRAME_OPTIONS = AsciiString.cached("x-frame-options");
    private static final AsciiString CSP_REPORT_ONLY = AsciiString.cached("content-security-policy-report-only");
    private static final AsciiString CORP = AsciiString.cached("cross-origin-resource-policy");
    private static final AsciiString COEP = AsciiString.cached("cross-origin-embedder-policy");
    private static final AsciiString COOP = AsciiString.cached("cross-origin-opener-policy");
    private static final String FRAME_ANCESTORS = "frame-ancestors";
    private static final String ACCESS_CONTROL = "access-control-";
    /** How long a browser may reuse a preflight answer (Chromium caps it at 2 h). */
    private static final String PREFLIGHT_MAX_AGE = "600";

    /** The origins of some ports and what is written for them. */
    private record Policy(List<PortRange> ports, List<String> origins, String frameAncestors) {
        Policy(List<PortRange> ports, List<String> origins) {
            this(ports, origins, FRAME_ANCESTORS + " 'self' " + String.join(" ", origins));
        }
    }

    private final Policy everyPort;
    private final List<Policy> byPort;

    private EmbeddingHeaders(Policy everyPort, List<Policy> byPort) {
        this.everyPort = everyPort;
        this.byPort = byPort;
    }

    public static EmbeddingHeaders of(EmbeddingConfig config) {
        if (!config.enabled()) {
            return OFF;
        }
        List<Policy> byPort = new ArrayList<>();
        for (EmbeddingConfig.PortOrigins p : config.byPort()) {
            byPort.add(p.origins().isEmpty() ? new Policy(p.ports(), List.of(), null) : new Policy(p.ports(),
                    p.origins()));
        }
        return new EmbeddingHeaders(config.origins().isEmpty() ? null : new Policy(List.of(), config.origins()),
                List.copyOf(byPort));
    }

    /** False when no origin may embed anything: the only thing the response path then checks. */
    public boolean enabled() {
        return this != OFF;
    }

    /** The policy of a sandbox port; null when no origin may embed it. */
    private Policy policy(int port) {
        for (int i = 0; i < byPort.size(); i++) {
            Policy p = byPort.get(i);
            if (PortRange.anyContains(p.ports(), port)) {
                return p.frameAncestors() == null ? null : p;
            }
        }
        return everyPort;
    }

    /**
     * The gateway's answer to a CORS preflight from a dashboard origin for sandbox port {@code port}, or null when
     * {@code request} is not one (it then goes to the sandbox as any request does).
     */
    public FullHttpResponse preflight(HttpRequest request, int port, ByteBufAllocator alloc, boolean close) {
        if (!HttpMethod.OPTIONS.equals(request.method())) {
            return null;
        }
        HttpHeaders in = request.headers();
        String method = in.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        String origin = in.get(HttpHeaderNames.ORIGIN);
        Policy p = method == null || origin == null ? null : policy(port);
        if (p == null || !p.origins().contains(origin)) {
            return null;
        }
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                alloc.buffer(0));
        HttpHeaders out = answer.headers();
        allowOrigin(out, origin);
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, method);
        String headers = in.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (headers != null) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, headers);
        }
        out.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE);
        out.set(HttpHeaderNames.VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        if (close) {
            out.set(HttpHeaderNames.CONNECTION, "close");
        }
        return answer;
    }

    /**
     * Rewrites the final response head of sandbox port {@code port} to a request from {@code origin} (its
     * {@code Origin} header, may be null).
     */
    public void rewrite(HttpHeaders headers, int port, String origin) {
        Policy p = policy(port);
        if (p == null) {
            return;
        }
        boolean refusedFraming = headers.contains(X_FRAME_OPTIONS);
        headers.remove(X_FRAME_OPTIONS);
        headers.remove(COEP);
        headers.remove(COOP);
        if (headers.contains(CORP)) {
            headers.set(CORP, "cross-origin");
        }
        if (!rewriteFrameAncestors(headers, HttpHeaderNames.CONTENT_SECURITY_POLICY, p.frameAncestors())
                && refusedFraming) {
            headers.add(HttpHeaderNames.CONTENT_SECURITY_POLICY, p.frameAncestors()); // in place of X-Frame-Options
        }
        rewriteFrameAncestors(headers, CSP_REPORT_ONLY, p.frameAncestors());
        addVaryOrigin(headers);
        if (origin != null && p.origins().contains(origin)) {
            removeAccessControl(headers);
            allowOrigin(headers, origin);
        }
    }

    /** True when some policy under {@code name} had a {@code frame-ancestors} directive (now ours). */
    private static boolean rewriteFrameAncestors(HttpHeaders headers, CharSequence name, String ours) {
        if (!headers.contains(name)) {
            return false;
        }
        List<String> policies = headers.getAll(name);
        boolean found = false;
        List<String> rewritten = new ArrayList<>(policies.size());
        for (String policy : policies) {
            String next = withFrameAncestors(policy, ours);
            found |= next != null;
            rewritten.add(next == null ? policy : next);
        }
        if (found) {
            headers.remove(name);
            for (String policy : rewritten) {
                headers.add(name, policy);
            }
        }
        return found;
    }

    /**
     * {@code policy} (one serialized CSP, directives separated by {@code ;}) with its {@code frame-ancestors}
     * directive replaced by {@code ours}, the rest as written; null when it has none.
     */
    static String withFrameAncestors(String policy, String ours) {
        String[] directives = policy.split(";", -1);
        boolean found = false;
        StringBuilder out = new StringBuilder(policy.length() + ours.length());
        for (String directive : directives) {
            String d = directive.strip();
            if (d.isEmpty()) {
                continue;
            }
            int end = 0;
            while (end < d.length() && !Character.isWhitespace(d.charAt(end))) {
                end++;
            }
            boolean isFrameAncestors = d.substring(0, end).toLowerCase(Locale.ROOT).equals(FRAME_ANCESTORS);
            if (isFrameAncestors && found) {
                continue; // a repeated directive is ignored by browsers (CSP3 §2.2.1); ours is said once
            }
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(isFrameAncestors ? ours : d);
            found |= isFrameAncestors;
        }
        return found ? out.toString() : null;
    }

    private static void allowOrigin(HttpHeaders headers, String origin) {
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }

    private static void removeAccessControl(HttpHeaders headers) {
        List<String> names = new ArrayList<>();
        for (String name : headers.names()) {
            if (name.regionMatches(true, 0, ACCESS_CONTROL, 0, ACCESS_CONTROL.length())) {
                names.add(name);
            }
        }
        for (String name : names) {
            headers.remove(name);
        }
    }

    /** The answer depends on {@code Origin}: caches must keep one per origin (several Vary lines form one list). */
    private static void addVaryOrigin(HttpHeaders headers) {
        for (String vary : headers.getAll(HttpHeaderNames.VARY)) {
            for (String token : vary.split(",")) {
                String t = token.strip();
                if (t.equals("*") || t.equalsIgnoreCase("origin")) {
                    return;
                }
            }
        }
        headers.add(HttpHeaderNames.VARY, "Origin");
    }
}
