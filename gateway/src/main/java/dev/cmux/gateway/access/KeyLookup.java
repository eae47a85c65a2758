package dev.cmux.gateway.access;

import com.nimbusds.jose.proc.SecurityContext;

/** How a key lookup may get the team's keys: an event loop must never wait for a fetch. */
enum KeyLookup implements SecurityContext {

    /** On an event loop: only keys at hand, else {@link TeamKeys.NotAtHand}. */
    AT_HAND,

    /** On the key thread: nimbus may fetch the team's JWKS. */
    MAY_FETCH
}
