package dev.cmux.control.sandbox;

/**
 * Tells the gateway's address cache that a sandbox's address changed (created, started, stopped, destroyed). The
 * resolver lives in the gateway module, which depends on this one; the gateway passes {@code resolver::invalidate}.
 */
@FunctionalInterface
public interface ResolverInvalidation {

    ResolverInvalidation NONE = vmid -> { };

    void invalidate(int vmid);
}
