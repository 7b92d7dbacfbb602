package dev.vxlab.orchestrator.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What the fakes saw, in the order it happened, from every thread: one line per call ("kube1 put /etc/x"). */
public final class Events {
    private final List<String> lines = new ArrayList<>();

    public synchronized void add(String line) {
        lines.add(line);
    }

    public synchronized List<String> all() {
        return List.copyOf(lines);
    }

    /** The index of the first line that {@code match} accepts, or -1. */
    public synchronized int first(Predicate<String> match) {
        for (int i = 0; i < lines.size(); i++) {
            if (match.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the last line that {@code match} accepts, or -1. */
    public synchronized int last(Predicate<String> match) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (match.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    public int first(String contains) {
        return first(l -> l.contains(contains));
    }

    public int last(String contains) {
        return last(l -> l.contains(contains));
    }
}
