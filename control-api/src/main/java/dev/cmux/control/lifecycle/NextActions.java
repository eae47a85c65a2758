package dev.cmux.control.lifecycle;

import dev.cmux.control.sandbox.Sandbox;

import java.util.Optional;

/** The lifecycle's plan for one sandbox, as the API shows it; {@link #NONE} where no lifecycle runs (no PVE). */
@FunctionalInterface
public interface NextActions {

    NextActions NONE = sandbox -> Optional.empty();

    Optional<NextAction> of(Sandbox sandbox);
}
