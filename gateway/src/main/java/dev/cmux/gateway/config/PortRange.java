package dev.cmux.gateway.config;

import java.util.List;

/** Ports {@code from..to} inclusive; written {@code 8080} or {@code "3000-3999"} in the config. */
public record PortRange(int from, int to) {

    public PortRange {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("port range " + from + "-" + to + " must lie within 1-65535, low end first");
        }
    }

    public static PortRange parse(String text) {
        String s = text.trim();
        int dash = s.indexOf('-');
        try {
            if (dash < 0) {
                int port = Integer.parseInt(s);
                return new PortRange(port, port);
            }
            return new PortRange(Integer.parseInt(s.substring(0, dash).trim()), Integer.parseInt(s.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port or a port range like 3000-3999");
        }
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    /** True when one of {@code ranges} holds {@code port}; indexed, so the request path allocates no iterator. */
    public static boolean anyContains(List<PortRange> ranges, int port) {
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(port)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
