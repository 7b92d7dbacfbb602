package dev.vxlab.orchestrator.render;

/**
 * A file could not be rendered: a template refers to a variable the model does not define, a value cannot be
 * written safely, or a template is missing or broken. {@link #template()} and {@link #variable()} say where
 * and what; either is null when it does not apply (a value rejected before any template ran has no template).
 */
public class RenderException extends RuntimeException {
    private final String template;
    private final String variable;

    public RenderException(String template, String variable, String message, Throwable cause) {
        super(describe(template, variable, message), cause);
        this.template = template;
        this.variable = variable;
    }

    public RenderException(String template, String variable, String message) {
        this(template, variable, message, null);
    }

    /** The template's name under templates/, e.g. "sysconfig-flanneld.ftl"; null if no template was involved. */
    public String template() {
        return template;
    }

    /** The variable (or expression) to blame, e.g. "agentOptions"; null if none is to blame. */
    public String variable() {
        return variable;
    }

    private static String describe(String template, String variable, String message) {
        StringBuilder text = new StringBuilder();
        if (template != null) {
            text.append("template ").append(template).append(": ");
        }
        text.append(message);
        if (variable != null && !message.contains(variable)) {
            text.append(" (variable ").append(variable).append(')');
        }
        return text.toString();
    }
}
