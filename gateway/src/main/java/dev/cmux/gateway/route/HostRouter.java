package dev.cmux.gateway.route;

import dev.cmux.control.sandbox.SandboxId;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.RoutingConfig;
import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.route.Route.HostRoute;
import dev.cmux.gateway.route.Route.NoRoute;
import dev.cmux.gateway.route.Route.SandboxRoute;

import java.util.Locale;
import java.util.Map;

/**
 * Turns a Host header into a {@link Route}. Replaces Caddy's {@code header_regexp Host ^port-(\d+)-vm-(\d+)\.}
 * with a hand-written scan: no regex, no allocation on the way to a sandbox route, and stricter — one canonical
 * spelling per sandbox (no leading zeros), ports and vmids inside their ranges, and, when {@code domain} is set,
 * exactly one label in front of it.
 */
public final class HostRouter {

    private static final String PORT_PREFIX = "port-";
    private static final String VM_INFIX = "-vm-";
    private static final long BAD_NUMBER = -1;
    private static final long TOO_LARGE = Long.MAX_VALUE;

    private final String domain;
    private final RoutingConfig routing;
    private final Map<String, UpstreamRoute> hosts;
    private final NoRoute noRouteHelp;

    public HostRouter(GatewayConfig config) {
        this.domain = config.domain();
        this.routing = config.routing();
        this.hosts = routing.hosts();
        String example = domain == null ? "{domain}" : domain;
        this.noRouteHelp = new NoRoute(GatewayError.NO_ROUTE, "This gateway serves sandboxes at "
                + "port-{port}-vm-{vmid}." + example + ", for example port-8080-vm-200." + example + ".");
    }

    /** @param hostHeader the Host header as sent ({@code null} when there is none) */
    public Route route(String hostHeader) {
        if (hostHeader == null) {
            return noRouteHelp;
        }
        int end = hostEnd(hostHeader);
        if (end < 0) {
            return badHost("The Host header '" + printable(hostHeader) + "' is not a valid host name.");
        }
        if (end > 0 && hostHeader.charAt(end - 1) == '.') {
            end--; // a fully qualified name: example.com. is example.com
        }
        if (end == 0) {
            return badHost("The Host header is empty.");
        }
        if (!hosts.isEmpty()) {
            String name = hostHeader.substring(0, end).toLowerCase(Locale.ROOT);
            UpstreamRoute upstream = hosts.get(name);
            if (upstream != null) {
                return new HostRoute(name, upstream);
            }
        }
        if (!hostHeader.regionMatches(true, 0, PORT_PREFIX, 0, PORT_PREFIX.length())) {
            return noRouteHelp;
        }
        return sandbox(hostHeader, end);
    }

    private Route sandbox(String host, int end) {
        int i = PORT_PREFIX.length();
        int portEnd = digitsEnd(host, i, end);
        long port = number(host, i, portEnd);
        if (port == BAD_NUMBER || !host.regionMatches(true, portEnd, VM_INFIX, 0, VM_INFIX.length())) {
            return malformed(host);
        }
        i = portEnd + VM_INFIX.length();
        int vmidEnd = digitsEnd(host, i, end);
        long vmid = number(host, i, vmidEnd);
        if (vmid == BAD_NUMBER || vmidEnd == end || host.charAt(vmidEnd) != '.') {
            return malformed(host);
        }
        if (port < 1 || port > 65535) {
            return badHost("Port " + (port == TOO_LARGE ? "number" : port) + " is outside 1-65535.");
        }
        if (!SandboxId.inRange(vmid)) {
            return badHost("vmid " + (vmid == TOO_LARGE ? "number" : vmid) + " is outside " + SandboxId.MIN + "-"
                    + SandboxId.MAX + ".");
        }
        int rest = vmidEnd + 1;
        if (domain != null && !(end - rest == domain.length() && host.regionMatches(true, rest, domain, 0,
                domain.length()))) {
            return noRouteHelp; // another domain, or more than one label in front of ours
        }
        if (domain == null && rest == end) {
            return malformed(host);
        }
        if (!routing.portAllowed((int) port)) {
            return new NoRoute(GatewayError.PORT_DENIED, "Port " + port + " of sandboxes is not published by this "
                    + "gateway (routing.allowedPorts / routing.deniedPorts).");
        }
        return new SandboxRoute((int) port, (int) vmid);
    }

    /** Decimal digits in {@code [from, to)}: none or a leading zero is {@link #BAD_NUMBER}. */
    private static long number(String s, int from, int to) {
        if (to == from || (s.charAt(from) == '0' && to - from > 1)) {
            return BAD_NUMBER;
        }
        if (to - from > 10) {
            return TOO_LARGE;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }

    private static int digitsEnd(String s, int from, int end) {
        int i = from;
        while (i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /**
     * End of the host name inside a Host header value: before an optional {@code :port}. Returns -1 when the value
     * is not a registered name (RFC 3986 reg-name letters only) with an optional numeric port. IPv6 literals
     * ({@code [::1]}) are valid hosts but never sandbox names: they end here, and match nothing.
     */
    private static int hostEnd(String h) {
        int n = h.length();
        if (n > 0 && h.charAt(0) == '[') {
            int close = h.indexOf(']');
            if (close < 0 || !portOrNothing(h, close + 1)) {
                return -1;
            }
            return close + 1;
        }
        for (int i = 0; i < n; i++) {
            char c = h.charAt(i);
            if (c == ':') {
                return portOrNothing(h, i) ? i : -1;
            }
            boolean nameChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!nameChar) {
                return -1;
            }
        }
        return n;
    }

    private static boolean portOrNothing(String h, int colon) {
        if (colon == h.length()) {
            return true;
        }
        if (h.charAt(colon) != ':' || h.length() - colon - 1 > 5) {
            return false;
        }
        // an empty port is allowed (RFC 3986 §3.2.3)
        return digitsEnd(h, colon + 1, h.length()) == h.length()
                && (colon + 1 == h.length() || Integer.parseInt(h, colon + 1, h.length(), 10) <= 65535);
    }

    private NoRoute malformed(String host) {
        return badHost("'" + printable(host) + "' is not a sandbox host: write it as port-{port}-vm-{vmid}."
                + (domain == null ? "{domain}" : domain) + " (numbers without leading zeros).");
    }

    private static NoRoute badHost(String reason) {
        return new NoRoute(GatewayError.BAD_HOST, reason);
    }

    /** Host values are echoed on error pages: keep them short and printable. */
    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "…" : s;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
