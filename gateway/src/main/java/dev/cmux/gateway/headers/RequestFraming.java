package dev.cmux.gateway.headers;

import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.List;

/**
 * Rejects requests whose framing a backend could read differently than we do (RFC 9112 §6, request
 * smuggling): such a request is answered here and never forwarded, and its connection is closed.
 */
public final class RequestFraming {

    private RequestFraming() {
    }

    /** Returns normally when the request may be forwarded; throws the error to answer otherwise. */
    public static void check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            throw decoderFailure(result.cause());
        }
        HttpHeaders headers = request.headers();
        List<String> transferEncodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!transferEncodings.isEmpty()) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                throw bad("Transfer-Encoding is not allowed on HTTP/1.0 requests.");
            }
            if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                throw bad("A request must not carry both Transfer-Encoding and Content-Length.");
            }
            if (transferEncodings.size() != 1 || !"chunked".equalsIgnoreCase(transferEncodings.get(0).trim())) {
                throw new GatewayException(GatewayError.NOT_IMPLEMENTED,
                        "Only 'Transfer-Encoding: chunked' is supported.");
            }
        }
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (lengths.size() > 1) {
            throw bad("A request must carry at most one Content-Length.");
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            throw bad("A request must carry exactly one Host header.");
        }
        if (hosts.isEmpty() && !request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            throw bad("An HTTP/1.1 request must carry a Host header.");
        }
        if (HttpMethod.CONNECT.equals(request.method()) || HttpMethod.TRACE.equals(request.method())) {
            throw new GatewayException(GatewayError.METHOD_NOT_ALLOWED,
                    request.method() + " is not allowed through the gateway.");
        }
        checkTarget(request.uri(), hosts.isEmpty() ? null : hosts.get(0));
    }

    /** Only origin-form targets ({@code /path?query}) and {@code *} are forwarded; absolute-form must agree with Host. */
    private static void checkTarget(String uri, String host) {
        if (uri.isEmpty()) {
            throw bad("The request target is empty.");
        }
        char first = uri.charAt(0);
        if (first == '/' || "*".equals(uri)) {
            return;
        }
        int scheme = uri.indexOf("://");
        if (scheme <= 0) {
            throw bad("The request target must start with '/'.");
        }
        int authorityStart = scheme + 3;
        int authorityEnd = uri.indexOf('/', authorityStart);
        String authority = uri.substring(authorityStart, authorityEnd < 0 ? uri.length() : authorityEnd);
        if (host == null || !authority.equalsIgnoreCase(host.trim())) {
            throw bad("The request target's authority does not match the Host header.");
        }
    }

    /** Turns an absolute-form target into origin form for the backend (the Host header already says where). */
    static String originForm(String uri) {
        if (uri.isEmpty() || uri.charAt(0) == '/' || "*".equals(uri)) {
            return uri;
        }
        int authorityStart = uri.indexOf("://") + 3;
        int path = uri.indexOf('/', authorityStart);
        int query = uri.indexOf('?', authorityStart);
        if (path < 0 && query < 0) {
            return "/";
        }
        if (path < 0 || (query >= 0 && query < path)) {
            return "/" + uri.substring(query);
        }
        return uri.substring(path);
    }

    /** The answer to a request the decoder could not read (its head, or later a chunk of its body). */
    public static GatewayException decoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new GatewayException(GatewayError.URI_TOO_LONG, "The request line is too long.");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new GatewayException(GatewayError.HEADERS_TOO_LARGE, "The request headers are too large.");
        }
        if (cause instanceof TooLongFrameException) {
            return bad("A part of the request is too long.");
        }
        String message = cause == null ? null : cause.getMessage();
        if (message != null && (message.contains("final transfer coding") || message.contains("must be the last"))) {
            // Netty's RFC 9112 check: a coding other than a final chunked, which we do not decode
            return new GatewayException(GatewayError.NOT_IMPLEMENTED, "Only 'Transfer-Encoding: chunked' is supported.");
        }
        return bad("The request is malformed.");
    }

    private static GatewayException bad(String sentence) {
        return new GatewayException(GatewayError.BAD_REQUEST, sentence);
    }
}
