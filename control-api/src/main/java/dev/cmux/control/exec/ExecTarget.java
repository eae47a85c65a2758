package dev.cmux.control.exec;

import java.util.Optional;

/**
 * Where a command goes: the sandbox, its node, whether it is a QEMU VM (whose fallback is its guest agent, not
 * {@code pct}), its address while it runs (null when unknown) and the token its execd wants (empty for a sandbox made
 * before tokens, and for a VM).
 */
public record ExecTarget(int vmid, String node, boolean vm, String address, Optional<ExecdToken> token) {
}
