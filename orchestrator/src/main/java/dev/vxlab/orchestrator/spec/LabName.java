package dev.vxlab.orchestrator.spec;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for lab names (and node names, which follow it too): 1 to {@value #MAX_LENGTH} characters, a
 * lowercase letter first, then lowercase letters, digits or '-'. A lab's name prefixes every object the lab
 * creates (namespaces, machines, state directories), so anything that takes a lab name from a user — a spec, a
 * command line — checks it with {@link #isValid} rather than a copy of the pattern.
 */
public final class LabName {
    public static final int MAX_LENGTH = 16;
    public static final Pattern PATTERN = Pattern.compile("[a-z][a-z0-9-]{0," + (MAX_LENGTH - 1) + "}");
    /** The rule in words, as spec errors end. */
    public static final String RULE = "a name is 1 to " + MAX_LENGTH
            + " characters: a lowercase letter first, then lowercase letters, digits or '-'";

    private LabName() {
    }

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /** What is wrong with {@code name} in a few words ("it is empty", "'K' (uppercase) is not allowed"), or empty. */
    public static Optional<String> problem(String name) {
        if (isValid(name)) {
            return Optional.empty();
        }
        if (name.isEmpty()) {
            return Optional.of("it is empty");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_LENGTH) {
            return Optional.of("it is " + length + " characters long, at most " + MAX_LENGTH + " are allowed");
        }
        if (name.charAt(0) < 'a' || name.charAt(0) > 'z') {
            return Optional.of("it must start with a lowercase letter (a-z)");
        }
        int bad = name.codePoints().filter(c -> !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                .findFirst().orElseThrow();
        return Optional.of(Describe.character(bad) + " is not allowed");
    }
}
