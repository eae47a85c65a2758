package dev.cmux.gateway.route;

import dev.cmux.control.sandbox.SandboxId;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.RoutingConfig;
import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.route.Route.HostRoute;
import dev.cmux.gateway.route.Route.InstanceRoute;
import dev.cmux.gateway.route.Route.NoRoute;
import dev.cmux.gateway.route.Route.SandboxRoute;

import java.util.Locale;
import java.util.Map;

/**
 * Turns a Host header into a {@link Route}. Replaces Caddy's {@code header_regexp Host ^port-(\d+)-vm-(\d+)\.}
 * with a hand-written scan: no regex, no allocation on the way to a sandbox route, and stricter — one canonical
 * spelling per sandbox (no leading zeros), ports and vmids inside their ranges, and, when {@code domain} is set,
 * exactly one label in front of it. cmux's own form, {@code port-P-<instanceId>}, is an {@link InstanceRoute} to be
 * looked up: unlike cmux's regex ({@code ^port-(\d+)-([a-z0-9-]+)\.} to {@code <label>.<suffix>}), no label ever
 * becomes a backend host name by itself, so {@code port-8006-pve} cannot reach {@code pve.lan:8006}.
 */
public final class HostRouter {

    private static final String PORT_PREFIX = "port-";
    private static final String VM_INFIX = "-vm-";
    private static final long BAD_NUMBER = -1;
    private static final long TOO_LARGE = Long.MAX_VALUE;
    private static final int MAX_LABEL = 63;

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
                + "port-{port}-vm-{vmid}." + example + " or port-{port}-{instanceId}." + example
                + ", for example port-8080-vm-200." + example + " or port-8080-pvelxc-1a2b3c4d." + example + ".");
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
        if (port == BAD_NUMBER || portEnd == end || host.charAt(portEnd) != '-') {
            return malformed(host);
        }
        if (host.regionMatches(true, portEnd, VM_INFIX, 0, VM_INFIX.length())) {
            return byVmid(host, end, port, portEnd + VM_INFIX.length());
        }
        return byInstanceId(host, end, port, portEnd + 1);
    }

    /** {@code port-P-vm-V.<domain>}, {@code V} starting at {@code from}. */
    private Route byVmid(String host, int end, long port, int from) {
        int vmidEnd = digitsEnd(host, from, end);
        long vmid = number(host, from, vmidEnd);
        if (vmid == BAD_NUMBER || vmidEnd == end || host.charAt(vmidEnd) != '.') {
            return malformed(host);
        }
        if (port < 1 || port > 65535) {
            return badPort(port);
        }
        if (!SandboxId.inRange(vmid)) {
            return badHost("vmid " + (vmid == TOO_LARGE ? "number" : vmid) + " is outside " + SandboxId.MIN + "-"
                    + SandboxId.MAX + ".");
        }
        NoRoute refused = domainAndPort(host, end, port, vmidEnd + 1);
        return refused != null ? refused : new SandboxRoute((int) port, (int) vmid);
    }

    /**
     * {@code port-P-<instanceId>.<domain>}, the id a DNS label from {@code from} on. Which sandbox, if any, bears
     * that name is for PVE to say ({@code SandboxNames}): this only checks the spelling.
     */
    private Route byInstanceId(String host, int end, long port, int from) {
        int labelEnd = from;
        while (labelEnd < end && isLabelChar(host.charAt(labelEnd))) {
            labelEnd++;
        }
        if (labelEnd == from || labelEnd - from > MAX_LABEL || labelEnd == end || host.charAt(labelEnd) != '.'
                || host.charAt(from) == '-' || host.charAt(labelEnd - 1) == '-') {
            return malformed(host);
        }
        if (port < 1 || port > 65535) {
            return badPort(port);
        }
        NoRoute refused = domainAndPort(host, end, port, labelEnd + 1);
        return refused != null ? refused
                : new InstanceRoute((int) port, host.substring(from, labelEnd).toLowerCase(Locale.ROOT));
    }

    /** The rest after the sandbox label, from {@code rest}: our domain (when set), then a published port. */
    private NoRoute domainAndPort(String host, int end, long port, int rest) {
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
        return null;
    }

    /**
     * The answer for a well-formed {@code port-P-<instanceId>} whose id no sandbox of this gateway bears (or not
     * one tagged {@code cmux}): the same 404 as any host that is not a sandbox's, so nothing else can be probed.
     */
    public NoRoute unknownInstance(String instanceId) {
        return new NoRoute(GatewayError.NO_ROUTE, "No sandbox of this gateway is named " + instanceId + ". "
                + noRouteHelp.reason());
    }

    private static boolean isLabelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static NoRoute badPort(long port) {
        return badHost("Port " + (port == TOO_LARGE ? "number" : port) + " is outside 1-65535.");
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
        String d = domain == null ? "{domain}" : domain;
        return badHost("'" + printable(host) + "' is not a sandbox host: write it as port-{port}-vm-{vmid}." + d
                + " or port-{port}-{instanceId}." + d + " (numbers without leading zeros).");
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
