package dev.vxlab.orchestrator.prepare;

import dev.vxlab.core.text.ShellWords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts of a node's {@code /etc/os-release} that decide how to install packages on it.
 *
 * <p>Design notes:
 * <ul>
 *   <li>The file is a shell fragment (os-release(5)): {@code KEY=value}, the value bare or in single or double
 *       quotes, with backslash escapes as in the shell; {@code #} lines are comments. It is read with the shell's
 *       rules (the agent's {@link ShellWords}, which the spec loader uses too) rather than by stripping quotes,
 *       so {@code PRETTY_NAME="Foo \"LTS\""} comes out right. A broken
 *       line (an unterminated quote) is read to its end instead of failing: nothing here is worth refusing a
 *       node for.</li>
 *   <li>Defaults are the ones os-release(5) gives: {@code ID=linux}, {@code PRETTY_NAME=Linux}; a missing
 *       {@code VERSION_ID} is empty.</li>
 *   <li>{@link #family()} looks at {@code ID} first and then {@code ID_LIKE} in its order, so derivatives nobody
 *       listed (Linux Mint: {@code ID_LIKE="ubuntu debian"}, Oracle's and Rocky's clones) land in the right
 *       family without a table entry each.</li>
 * </ul>
 */
public record OsRelease(String id, List<String> idLike, String versionId, String prettyName) {

    /** How packages are installed: apt (Debian and derivatives), dnf/yum (Red Hat and derivatives), or unknown. */
    public enum Family { DEBIAN, RHEL, UNKNOWN }

    static final Set<String> DEBIAN_IDS = Set.of("debian", "ubuntu", "raspbian");
    static final Set<String> RHEL_IDS = Set.of("rhel", "centos", "fedora", "rocky", "almalinux", "ol", "amzn");

    private static final Pattern ASSIGNMENT = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)");

    public OsRelease {
        idLike = List.copyOf(idLike);
    }

    /** Reads the text of an os-release file; unknown keys are ignored, the last assignment of a key wins. */
    public static OsRelease parse(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\r?\n|\r")) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches()) {
                values.put(m.group(1), unquote(m.group(2)));
            }
        }
        String idLike = values.getOrDefault("ID_LIKE", "").trim().toLowerCase(Locale.ROOT);
        return new OsRelease(
                values.getOrDefault("ID", "linux").trim().toLowerCase(Locale.ROOT),
                idLike.isEmpty() ? List.of() : List.of(idLike.split("\\s+")),
                values.getOrDefault("VERSION_ID", ""),
                values.getOrDefault("PRETTY_NAME", "Linux"));
    }

    /** The family of {@code ID}, else of the first {@code ID_LIKE} entry that has one, else UNKNOWN. */
    public Family family() {
        List<String> ids = new ArrayList<>();
        ids.add(id);
        ids.addAll(idLike);
        for (String candidate : ids) {
            if (DEBIAN_IDS.contains(candidate)) {
                return Family.DEBIAN;
            }
            if (RHEL_IDS.contains(candidate)) {
                return Family.RHEL;
            }
        }
        return Family.UNKNOWN;
    }

    /** The leading number of {@code VERSION_ID} ("9.3" → 9, "2023" → 2023), empty when it has none. */
    public OptionalInt majorVersion() {
        Matcher m = Pattern.compile("(\\d{1,9}).*").matcher(versionId);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * The value as the shell reads it: its first word, quotes removed and escapes applied; whatever follows
     * unquoted whitespace (a comment) is dropped. An unterminated quote keeps the rest of the line as it is.
     */
    static String unquote(String raw) {
        try {
            List<String> words = ShellWords.split(raw);
            return words.isEmpty() ? "" : words.get(0);
        } catch (IllegalArgumentException unterminated) {
            return raw.strip().replaceFirst("^[\"']", "");
        }
    }
}
