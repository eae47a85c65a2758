package dev.cmux.control.exec;

import java.util.Optional;

/**
 * Where a command goes: the container, its address while it runs (null when unknown: pct only) and the token its
 * execd wants (empty for a sandbox made before tokens).
 */
public record ExecTarget(int vmid, String address, Optional<ExecdToken> token) {
}
