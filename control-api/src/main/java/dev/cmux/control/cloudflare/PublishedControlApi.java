package dev.cmux.control.cloudflare;

import java.util.Optional;

/**
 * {@code --publish-control-api}: {@code gateway.<domain>} routed by the tunnel to the control API, for programs
 * elsewhere. Only behind Cloudflare Access (a service token from {@code access token create} gets a program past
 * it) and the bearer token: cloudflared connects from loopback, where the API asks for no token unless one is set.
 */
public final class PublishedControlApi {

    /**
     * The control API as setup may publish it.
     *
     * @param listen   its listen address, {@code host:port}
     * @param hasToken whether it demands {@code Authorization: Bearer <GATEWAY_CONTROL_TOKEN>}
     */
    public record Endpoint(String listen, boolean hasToken) {
    }

    private PublishedControlApi() {
    }

    /**
     * {@code spec} routing the control API too when {@code publish}; throws {@link IllegalArgumentException} with one
     * sentence when Access is off or the API has no token.
     */
    public static TunnelSpec apply(TunnelSpec spec, boolean publish, Optional<AccessSetup> access, Endpoint control) {
        if (!publish) {
            return spec;
        }
        if (access.isEmpty()) {
            throw new IllegalArgumentException("--publish-control-api needs --access-allow: the control API is"
                    + " published only behind Cloudflare Access.");
        }
        if (control == null || !control.hasToken()) {
            throw new IllegalArgumentException("--publish-control-api needs a control API token: set"
                    + " GATEWAY_CONTROL_TOKEN (or control.token), as cloudflared reaches the API from loopback.");
        }
        return spec.withControlApi(GatewayAddress.parse(control.listen()));
    }
}
