package dev.vxlab.agent.iptables;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One iptables rule as data, as flannel's {@code IPTablesRule}: the table, the chain it sits in, and its rule
 * specification as separate words ({@code ["-s", "10.244.0.0/16", "-j", "RETURN"]}).
 *
 * <p>Write the words in the order {@code iptables-save} prints them (addresses, then matches such as
 * {@code -m comment}, then {@code -j} and the target's options): {@link IptablesManager} compares rules with
 * the saved text word by word, so a rule written in another order would look missing on every pass.
 */
public record IptablesRule(String table, String chain, List<String> spec) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:!+=,@%-]+");

    public IptablesRule {
        if (table == null || table.isBlank() || chain == null || chain.isBlank()) {
            throw new IllegalArgumentException("an iptables rule needs a table and a chain (got table=" + table + " chain=" + chain + ")");
        }
        if (spec == null || spec.isEmpty()) {
            throw new IllegalArgumentException("iptables rule in " + table + "/" + chain + " has no specification");
        }
        spec = List.copyOf(spec);
    }

    public static IptablesRule of(String table, String chain, String... spec) {
        return new IptablesRule(table, chain, List.of(spec));
    }

    /** The word after {@code -j}, or null when the rule has no target. */
    public String target() {
        int j = spec.indexOf("-j");
        return j >= 0 && j + 1 < spec.size() ? spec.get(j + 1) : null;
    }

    /** The specification as one line of iptables-restore input, quoting words as iptables-save does. */
    public String specText() {
        return text(spec);
    }

    /** Words as one line of iptables-restore input. */
    static String text(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String word : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(quote(word));
        }
        return b.toString();
    }

    /** A word for iptables-restore: as is when plain, else in double quotes with {@code "} and {@code \} escaped. */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** As a user would type it: {@code -t nat -A VXLAB-POSTRTG -s 10.244.0.0/16 ...}. */
    @Override
    public String toString() {
        return "-t " + table + " -A " + chain + " " + specText();
    }
}
