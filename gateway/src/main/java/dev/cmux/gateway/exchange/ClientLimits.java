package dev.cmux.gateway.exchange;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests and upgraded connections one client has open at once, across all event loops. The client is
 * the visitor cloudflared names in {@code Cf-Connecting-Ip} (all visitors share cloudflared's few connections), or
 * the peer itself when it is not a trusted proxy. One visitor cannot take every backend connection.
 */
final class ClientLimits {

    private volatile int perClient;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    ClientLimits(int perClient) {
        this.perClient = perClient;
    }

    /** A reload's limit: what clients hold open now still counts against it. */
    void reconfigure(int perClient) {
        this.perClient = perClient;
    }

    int perClient() {
        return perClient;
    }

    /** A permit for one more request of {@code client}, or {@code null} when it has {@code perClient} open. */
    Permit acquire(String client) {
        AtomicInteger count = open.computeIfAbsent(client, c -> new AtomicInteger());
        // a counter removed at zero while another request took it only makes the limit one softer for a moment
        if (count.incrementAndGet() > perClient) {
            release(client, count);
            return null;
        }
        return new Permit(client, count);
    }

    int openFor(String client) {
        AtomicInteger count = open.get(client);
        return count == null ? 0 : count.get();
    }

    private void release(String client, AtomicInteger count) {
        if (count.decrementAndGet() == 0) {
            open.remove(client, count); // a later acquire makes a new counter
        }
    }

    /** Released exactly once, when the request or the upgraded connection ends. */
    final class Permit {
        private final String client;
        private final AtomicInteger count;
        private boolean released;

        private Permit(String client, AtomicInteger count) {
            this.client = client;
            this.count = count;
        }

        void release() {
            if (!released) {
                released = true;
                ClientLimits.this.release(client, count);
            }
        }
    }
}
