package dev.vxlab.agent.iptables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One table of iptables-save output: its chains in order, each with its rules as words after {@code -A CHAIN}. */
final class SavedTable {
    private final Map<String, List<List<String>>> chains;

    private SavedTable(Map<String, List<List<String>>> chains) {
        this.chains = chains;
    }

    /** Reads the {@code *table} block of iptables-save output; an absent block gives a table with no chains. */
    static SavedTable parse(String table, String saveOutput) {
        Map<String, List<List<String>>> chains = new LinkedHashMap<>();
        boolean inTable = false;
        for (String raw : saveOutput.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                inTable = line.substring(1).equals(table);
            } else if (!inTable) {
                continue;
            } else if (line.equals("COMMIT")) {
                inTable = false;
            } else if (line.startsWith(":")) {
                chains.putIfAbsent(line.substring(1).split("\\s+")[0], new ArrayList<>());
            } else if (line.startsWith("-A ")) {
                List<String> words = words(line);
                if (words.size() >= 2) {
                    chains.computeIfAbsent(words.get(1), c -> new ArrayList<>()).add(List.copyOf(words.subList(2, words.size())));
                }
            }
        }
        return new SavedTable(chains);
    }

    boolean hasChain(String chain) {
        return chains.containsKey(chain);
    }

    Set<String> chainNames() {
        return Collections.unmodifiableSet(chains.keySet());
    }

    /** The chain's rules in order (empty when the chain does not exist). */
    List<List<String>> rules(String chain) {
        return chains.getOrDefault(chain, List.of());
    }

    /**
     * Splits a saved rule line into words. iptables-save quotes a word unless it is plain, and escapes
     * {@code "}, {@code '} and {@code \} inside quotes with a backslash.
     */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    word.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
