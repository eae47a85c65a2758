package dev.cmux.control.config;

import java.net.InetSocketAddress;

/**
 * The control API listener.
 *
 * @param listen where the control API listens (loopback by default: it can create root shells)
 * @param token  the bearer token clients must present; {@code null} when unset
 */
public record ControlConfig(InetSocketAddress listen, String token) {

    public static final int DEFAULT_PORT = 8081;

    public static ControlConfig defaults() {
        return new ControlConfig(InetSocketAddress.createUnresolved("127.0.0.1", DEFAULT_PORT), null);
    }

    /** The {@code control} section with its environment overrides; a token is needed beyond loopback. */
    public static ControlConfig read(ConfigSection s) {
        s.allowOnly("listen", "token");
        ControlConfig c = new ControlConfig(
                s.value("listen", "GATEWAY_CONTROL_LISTEN", ConfigValues::listenAddress, defaults().listen()),
                s.string("token", "GATEWAY_CONTROL_TOKEN"));
        if (!c.hasToken() && !ConfigValues.isLoopback(c.listen())) {
            s.problem("token", "the control API listens on " + c.listen().getHostString() + ", which is not "
                    + "loopback, so it needs a token (env GATEWAY_CONTROL_TOKEN)");
        }
        if (c.hasToken() && c.token().length() < 16) {
            s.problem("token", "use at least 16 characters (e.g. openssl rand -hex 32)");
        }
        return c;
    }

    public boolean hasToken() {
        return token != null && !token.isEmpty();
    }

    @Override
    public String toString() {
        return "ControlConfig[listen=" + listen + ", token=" + Secrets.redact(token) + "]";
    }
}
