package dev.cmux.control.sandbox;

/**
 * Tells the gateway's address cache that a sandbox's address changed (created, started, stopped, destroyed), or
 * what it is now. The
 * resolver lives in the gateway module, which depends on this one; the gateway passes {@code resolver::invalidate}.
 */
@FunctionalInterface
public interface ResolverInvalidation {

    ResolverInvalidation NONE = vmid -> { };

    void invalidate(int vmid);

    /**
     * The sandbox runs now, and PVE reported {@code address} for it (a wake just waited for it): the resolver may
     * take it rather than ask PVE again for the request that is waiting.
     */
    default void running(int vmid, String address) {
        invalidate(vmid);
    }
}
