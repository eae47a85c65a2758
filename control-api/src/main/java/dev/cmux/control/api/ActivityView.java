package dev.cmux.control.api;

import java.time.Instant;
import java.util.Optional;

/** When a sandbox last had traffic through the gateway (the data plane keeps count), for {@code GET /v1/sandboxes}. */
@FunctionalInterface
public interface ActivityView {

    ActivityView NONE = vmid -> Optional.empty();

    /** The last request or upgraded-connection byte for {@code vmid} since the gateway started; empty: none. */
    Optional<Instant> lastActivity(int vmid);

    /** Upgraded connections (WebSockets) to {@code vmid} open through this gateway now. */
    default int openWebSockets(int vmid) {
        return 0;
    }
}
