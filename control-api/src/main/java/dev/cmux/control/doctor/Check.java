package dev.cmux.control.doctor;

import dev.cmux.control.cloudflare.StatusLine;

import java.util.List;

/** One part of {@code doctor}: a few lines, each ✓ or ✗ with its fix. May block: it runs off the event loops. */
@FunctionalInterface
public interface Check {

    List<StatusLine> run() throws Exception;
}
