package dev.cmux.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** {@code --name value} pairs of one command line; every getter names its default, so a run is reproducible. */
public final class Options {

    private final Map<String, String> values = new HashMap<>();

    public Options(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + arg + "'");
            }
            values.put(arg.substring(2), args[++i]);
        }
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
        String v = values.get(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /** Every option whose name starts with {@code prefix}, the prefix cut off. */
    public Map<String, String> prefixed(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** A size such as {@code 19}, {@code 64k} or {@code 10m} (binary units). */
    public int size(String name, String fallback) {
        return parseSize(values.getOrDefault(name, fallback));
    }

    /** Seconds, fractions allowed ({@code 0.5}). */
    public Duration seconds(String name, double fallback) {
        String v = values.get(name);
        double s = v == null ? fallback : Double.parseDouble(v);
        return Duration.ofNanos((long) (s * 1e9));
    }

    static int parseSize(String s) {
        String v = s.trim().toLowerCase();
        int unit = 1;
        if (v.endsWith("k")) {
            unit = 1024;
        } else if (v.endsWith("m")) {
            unit = 1024 * 1024;
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        return Math.multiplyExact(Integer.parseInt(digits), unit);
    }
}
