package dev.cmux.control.cloudflare;

import java.util.List;

/**
 * What {@link TunnelSetup} would change. Empty steps mean everything is already in place.
 *
 * @param site     where the tunnel lives
 * @param steps    changes, in the order they are applied
 * @param warnings things that work but the operator should know
 * @param blockers reasons the plan must not be applied (e.g. an A record in the way); apply refuses
 */
public record TunnelPlan(TunnelSite site, List<SetupStep> steps, List<String> warnings, List<String> blockers) {

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public boolean blocked() {
        return !blockers.isEmpty();
    }

    /** One sentence per step, e.g. for a JSON answer of the control API. */
    public List<String> describeSteps() {
        return steps.stream().map(SetupStep::describe).toList();
    }
}
