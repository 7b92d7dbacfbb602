package dev.vxlab.orchestrator.spec;

import java.util.List;

/** A spec that cannot be used: every problem found, in file order. The CLI prints them all and exits 2. */
public class SpecException extends RuntimeException {
    private final List<SpecError> errors;

    public SpecException(List<SpecError> errors) {
        super(errors.size() + (errors.size() == 1 ? " problem" : " problems") + " in the spec:\n  "
                + String.join("\n  ", errors.stream().map(SpecError::toString).toList()));
        this.errors = List.copyOf(errors);
    }

    public List<SpecError> errors() {
        return errors;
    }
}
