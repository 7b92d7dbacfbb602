package dev.vxlab.orchestrator.spec;

import java.util.List;
import java.util.Optional;

/** "did you mean …?": the closest choice by edit distance, when it is close enough to be a likely typo. */
final class Suggest {
    private Suggest() {
    }

    /**
     * The choice nearest to {@code given}, ignoring case, when at most 1 (words up to 4 letters), 2 (up to 8)
     * or 3 edits away; ties go to the earlier choice.
     */
    static Optional<String> closest(String given, List<String> choices) {
        String g = given.toLowerCase();
        int allowed = g.length() <= 4 ? 1 : g.length() <= 8 ? 2 : 3;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String choice : choices) {
            int d = distance(g, choice.toLowerCase());
            if (d < bestDistance && d <= allowed && d < choice.length()) {
                best = choice;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Levenshtein distance (insertions, deletions, substitutions) in which swapping two neighbouring letters
     * counts as one edit, as typos do ("nmae" is one edit from "name").
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
