package dev.cmux.control.sandbox;

/**
 * PVE cannot tell where a sandbox answers, for a reason of the sandbox's own making or its node's: the message is one
 * sentence for the gateway's {@code unresolved} answer, which says what to do.
 */
public abstract class UnreachableSandboxException extends RuntimeException {

    UnreachableSandboxException(String sentence) {
        super(sentence, null, false, false);
    }
}
