package dev.cmux.control.cloudflare;

/**
 * Makes the running gateway read its config file again (the control API's {@code POST /v1/reload}, or the reloader
 * itself when setup runs inside the gateway).
 */
@FunctionalInterface
public interface GatewayReload {

    /** A sentence saying what happened, e.g. that no gateway runs and the file is read when it starts. */
    String reload();
}
