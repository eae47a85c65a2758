package dev.cmux.control.cloudflare;

import dev.cmux.control.config.HostPort;

/**
 * A listen address of the gateway ({@code host:port}, {@code [v6]:port}): the data plane's, or the control
 * API's when it is published, and the origin URL cloudflared uses to reach it on the same host.
 */
public record GatewayAddress(HostPort listen) {

    /** cloudflared connects to it, so port 0 (a free port picked at bind) is no address: 1-65535. */
    public static GatewayAddress parse(String hostPort) {
        if (hostPort == null || hostPort.isBlank()) {
            throw new IllegalArgumentException("the gateway listen address is empty; set GATEWAY_LISTEN, e.g. 127.0.0.1:8080");
        }
        return new GatewayAddress(HostPort.connectAddress(hostPort));
    }

    /** cloudflared runs on the gateway's host, so loopback and wildcard binds are reached as localhost. */
    public String originUrl() {
        return "http://" + (isLocal() ? new HostPort("localhost", listen.port()) : listen);
    }

    /** Where a local probe connects: a wildcard bind answers on loopback too. */
    public HostPort probe() {
        String host = switch (listen.host()) {
            case "0.0.0.0", "localhost" -> "127.0.0.1";
            case "::", "::0" -> "::1";
            default -> listen.host();
        };
        return new HostPort(host, listen.port());
    }

    public String hostPort() {
        return listen.toString();
    }

    private boolean isLocal() {
        String host = listen.host();
        return host.equals("localhost") || host.equals("0.0.0.0") || host.equals("::") || host.equals("::0")
                || host.equals("::1") || host.startsWith("127.");
    }
}
