package dev.cmux.gateway.resolve;

/**
 * Works out the suffix of sandbox names from {@code routing.suffix}: {@code auto} asks PVE's node DNS settings when
 * PVE is configured (the gateway process plugs that in), else /etc/resolv.conf ({@link SandboxSuffix}). Start and
 * reload both ask here, so a reload finds the same suffix as the start did.
 */
@FunctionalInterface
public interface SuffixSource {

    /** Without PVE: the configured suffix, or for {@code auto} the {@code search} domain of /etc/resolv.conf. */
    SuffixSource LOCAL = SandboxSuffix::of;

    /** The suffix with a leading dot, or "" for bare names. May read files or ask PVE: never on an event loop. */
    String suffixFor(String configured);
}
