package dev.cmux.gateway.access;

/** Why a request has no valid Cloudflare Access token; the message is shown to the visitor, so it names no secret. */
public final class AccessDenied extends RuntimeException {

    public AccessDenied(String reason) {
        super(reason, null, false, false);
    }
}
