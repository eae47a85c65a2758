package dev.cmux.control.ui;

import dev.cmux.control.api.ApiExchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator page's sessions, on the server: a random id (the cookie) to a CSRF token, forgotten after
 * {@link #IDLE} without a request and on sign-out. At most {@link #MAX} at once; signing in beyond that ends the
 * session idle longest. Lost on restart: the operator signs in again.
 */
public final class Sessions {

    static final Duration IDLE = Duration.ofHours(1);
    static final int MAX = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Map<String, Session> byId = new LinkedHashMap<>();

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    /** One signed-in browser. */
    public static final class Session {
        private final String id;
        private final String csrf;
        private long lastSeenMillis;

        private Session(String id, String csrf, long now) {
            this.id = id;
            this.csrf = csrf;
            this.lastSeenMillis = now;
        }

        public String id() {
            return id;
        }

        public String csrf() {
            return csrf;
        }

        /** True when {@code presented} is this session's CSRF token, compared in constant time. */
        public boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                    presented.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A new session; the one idle longest ends when {@link #MAX} are open. */
    public synchronized Session open() {
        long now = clock.millis();
        expire(now);
        if (byId.size() >= MAX) {
            byId.values().stream().min(Comparator.comparingLong(s -> s.lastSeenMillis))
                    .ifPresent(oldest -> byId.remove(oldest.id));
        }
        Session s = new Session(random(), random(), now);
        byId.put(s.id, s);
        return s;
    }

    /** The live session of {@code id}, now seen again; empty when unknown or idle too long. */
    public synchronized Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (now - s.lastSeenMillis >= IDLE.toMillis()) {
            byId.remove(id);
            return Optional.empty();
        }
        s.lastSeenMillis = now;
        return Optional.of(s);
    }

    /** The live session whose cookie {@code exchange} carries. */
    public Optional<Session> of(ApiExchange exchange) {
        return find(SessionCookie.read(exchange));
    }

    public synchronized void close(String id) {
        byId.remove(id);
    }

    synchronized int size() {
        return byId.size();
    }

    private void expire(long now) {
        byId.values().removeIf(s -> now - s.lastSeenMillis >= IDLE.toMillis());
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
