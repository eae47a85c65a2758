package dev.cmux.bench.harness;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the harness takes from wrk's report ({@code wrk --latency}): the requests counted, the answers that were not
 * 2xx/3xx plus the socket errors, and the 50th and 99th percentile latencies (wrk prints no 99.9th).
 */
record WrkOutput(long count, long errors, long p50us, long p99us) {

    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+(\\S+)");
    private static final Pattern COUNT = Pattern.compile("^\\s*(\\d+) requests in ");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s*(\\d+)");
    private static final Pattern SOCKET_ERROR = Pattern.compile("(?:connect|read|write|timeout) (\\d+)");

    /** Empty when wrk reported no request count (it did not run, or could not connect at all). */
    static Optional<WrkOutput> parse(String report) {
        Long count = null;
        long errors = 0;
        long p50 = 0;
        long p99 = 0;
        for (String line : report.split("\n")) {
            Matcher m;
            if ((m = PERCENTILE.matcher(line)).find()) {
                long us = micros(m.group(2));
                if (m.group(1).equals("50")) {
                    p50 = us;
                } else {
                    p99 = us;
                }
            } else if ((m = COUNT.matcher(line)).find()) {
                count = Long.parseLong(m.group(1));
            } else if ((m = NON_2XX.matcher(line)).find()) {
                errors += Long.parseLong(m.group(1));
            } else if (line.contains("Socket errors:")) {
                for (m = SOCKET_ERROR.matcher(line); m.find(); ) {
                    errors += Long.parseLong(m.group(1));
                }
            }
        }
        return count == null ? Optional.empty() : Optional.of(new WrkOutput(count, errors, p50, p99));
    }

    /** wrk's durations: {@code 812.00us}, {@code 1.23ms}, {@code 2.50s}, {@code 1.02m}. */
    static long micros(String duration) {
        String[][] units = {{"us", "1"}, {"ms", "1e3"}, {"s", "1e6"}, {"m", "6e7"}, {"h", "3.6e9"}};
        for (String[] unit : units) {
            if (duration.endsWith(unit[0])) {
                double value = Double.parseDouble(duration.substring(0, duration.length() - unit[0].length()));
                return Math.round(value * Double.parseDouble(unit[1]));
            }
        }
        return Math.round(Double.parseDouble(duration));
    }
}
