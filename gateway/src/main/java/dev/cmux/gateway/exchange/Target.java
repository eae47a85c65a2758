package dev.cmux.gateway.exchange;

import dev.cmux.gateway.backend.BackendKey;

/**
 * Where a request goes: a sandbox's port, found by vmid (or first by instance id), or the fixed upstream of an
 * exact-host route.
 */
sealed interface Target {

    /** How the access log and error pages name it: {@code vm-200:8080}, or the upstream's authority. */
    String name();

    /** What the client asked for, in words, for error pages. */
    default String subject() {
        return name();
    }

    /** The sandbox port asked for; 0 for an upstream. */
    default int sandboxPort() {
        return 0;
    }

    /** A port of sandbox {@code vmid}; its address is looked up for every connection that is not pooled. */
    record Sandbox(int vmid, int port, String name) implements Target {
        Sandbox(int vmid, int port) {
            this(vmid, port, "vm-" + vmid + ":" + port);
        }

        @Override
        public String subject() {
            return "sandbox vm-" + vmid + ", port " + port;
        }

        @Override
        public int sandboxPort() {
            return port;
        }
    }

    /**
     * A port of the sandbox named {@code instanceId}, before PVE said which vmid that is: the exchange looks it up
     * and goes on with the {@link Sandbox}, so the log, the counters and the wake know it by its vmid.
     */
    record Named(String instanceId, int port) implements Target {
        @Override
        public String name() {
            return instanceId + ":" + port;
        }

        @Override
        public String subject() {
            return "sandbox " + instanceId + ", port " + port;
        }

        @Override
        public int sandboxPort() {
            return port;
        }
    }

    /** The upstream of route {@code host}, its connection settings built when the config was loaded. */
    record Upstream(String host, BackendKey key, String name) implements Target {
    }
}
