package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Method and path template ({@code /v1/sandboxes/{vmid}}) to handler; the first matching route wins. */
final class Router {

    record Match(ApiHandler handler, Map<String, String> params) {
    }

    private record Route(HttpMethod method, String template, String[] segments, ApiHandler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(HttpMethod method, String template, ApiHandler handler) {
        routes.add(new Route(method, template, template.substring(1).split("/"), handler));
        return this;
    }

    /** Every route as {@code METHOD /template}, in table order: what the OpenAPI document must describe. */
    List<String> routes() {
        return routes.stream().map(r -> r.method() + " " + r.template()).toList();
    }

    /** The handler for {@code method path}; empty with {@code pathKnown} when only the method is wrong. */
    Optional<Match> find(HttpMethod method, String path) {
        String[] have = path.substring(1).split("/", -1);
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), have);
            if (params != null && r.method().equals(method)) {
                return Optional.of(new Match(r.handler(), params));
            }
        }
        return Optional.empty();
    }

    boolean pathKnown(String path) {
        String[] have = path.substring(1).split("/", -1);
        return routes.stream().anyMatch(r -> match(r.segments(), have) != null);
    }

    private static Map<String, String> match(String[] want, String[] have) {
        boolean prefix = want.length > 0 && want[want.length - 1].equals("**");
        if (prefix ? have.length < want.length - 1 : have.length != want.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].equals("**")) {
                return params;
            }
            if (want[i].startsWith("{")) {
                if (have[i].isEmpty()) {
                    return null;
                }
                params.put(want[i].substring(1, want[i].length() - 1), have[i]);
            } else if (!want[i].equals(have[i])) {
                return null;
            }
        }
        return params;
    }
}
