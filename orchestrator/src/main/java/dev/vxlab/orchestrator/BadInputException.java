package dev.vxlab.orchestrator;

/** A command line that names something that does not exist or cannot be: the CLI exits 2, as for a bad spec. */
public class BadInputException extends VxlabException {
    public BadInputException(String message, String hint) {
        super(message, hint);
    }
}
