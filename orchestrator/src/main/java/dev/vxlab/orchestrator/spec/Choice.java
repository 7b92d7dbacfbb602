package dev.vxlab.orchestrator.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A spec value that is one word from a closed set ({@code provider: netns}, {@code backend: host-gw}): an enum
 * whose constants are those words upper-cased, '-' written '_'. The enum is the only list of the choices: the
 * spec accepts exactly its words, "expected one of …" lists them in declaration order and "did you mean"
 * picks among them, so a new constant is a new valid value everywhere at once.
 */
public interface Choice {
    /** The constant's name (every enum has it). */
    String name();

    /** How the spec writes this choice: {@code HOST_GW} is {@code host-gw}. */
    default String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every word of {@code type}, in declaration order. */
    static <E extends Enum<E> & Choice> List<String> words(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::word).toList();
    }

    /** The constant written {@code word} (exactly, case included), or empty. */
    static <E extends Enum<E> & Choice> Optional<E> of(Class<E> type, String word) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.word().equals(word)).findFirst();
    }
}
