package dev.cmux.control.api;

import dev.cmux.control.sandbox.PveAddresses;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * Decorator: a sandbox route's {@code {vmid}} may also be the sandbox's host name, its instance id
 * ({@code pvelxc-1a2b3c4d}, or {@code cmux-200}), as cmux's routes name sandboxes. The name is looked up in PVE's
 * list of sandboxes (tagged {@code cmux}, templates excluded), the same list that routes
 * {@code port-P-<instanceId>.<domain>}, and the route then runs with the vmid. A vmid (digits) passes straight
 * through; an unknown name is 404 {@code unknown-sandbox}. It runs after the token check, so that the names of
 * sandboxes are never told to a caller without one.
 */
record SandboxByName(Optional<PveAddresses> names, ApiHandler next) implements ApiHandler {

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    // one DNS label, as a container's host name is
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    @Override
    public void handle(ApiExchange exchange) throws Exception {
        String ref = exchange.pathParam("vmid");
        if (ref == null || DIGITS.matcher(ref).matches() || names.isEmpty()) {
            next.handle(exchange);
            return;
        }
        String name = ref.toLowerCase(Locale.ROOT);
        if (!HOST_NAME.matcher(name).matches()) {
            throw ApiError.badRequest("bad-vmid", "'" + ref + "' is neither a vmid (a number from 100 to 999999999)"
                    + " nor a sandbox's host name.", null);
        }
        names.get().sandboxNames().whenComplete((byName, failure) -> {
            try {
                if (failure != null) {
                    throw failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                }
                Integer vmid = byName.get(name);
                if (vmid == null) {
                    throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown-sandbox", "There is no sandbox named "
                            + name + " (no container with that host name carries the cmux tag).", null);
                }
                Map<String, String> params = new HashMap<>(exchange.pathParams());
                params.put("vmid", Integer.toString(vmid));
                exchange.pathParams(params);
                next.handle(exchange);
            } catch (Throwable t) {
                exchange.fail(t);
            }
        });
    }
}
