package dev.vxlab.agent.iptables;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent's iptables rules in place; the agent calls {@link #ensure} every few seconds, as flanneld
 * re-checks its rules every 5 s and restores what someone deleted.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Read once, compare, write only the difference.</b> Each pass costs one {@code iptables-save -t T}
 *       per table; when everything is in place nothing is written. flannel asks {@code iptables -C} once per
 *       rule and, when one is missing, deletes and re-adds them all; comparing the saved text instead sees
 *       the whole chain at once (also rules that should not be there, and the order), with one process per
 *       table. The price: rules must be written as iptables-save prints them ({@link IptablesRule}).</li>
 *   <li><b>Our chains are ours.</b> A chain named {@value IptablesRules#CHAIN_PREFIX}* holds exactly the
 *       given rules, in order. When its content differs in any way it is flushed and refilled in one
 *       {@code iptables-restore --noflush} transaction ({@code :CHAIN - [0:0]} flushes that chain only), so no
 *       packet ever sees a half-filled chain, and a changed network or subnet replaces the old rules by
 *       itself (flannel has to delete its previous rules explicitly).</li>
 *   <li><b>Built-in chains are shared.</b> A jump into our chain is inserted at the top of POSTROUTING or
 *       FORWARD only when it is not anywhere in that chain: Docker inserts its own jumps at the top of FORWARD
 *       too, and demanding first place would make the two fight every few seconds. Copies beyond the first
 *       (stacked by an older agent) are deleted. Nothing else in a built-in chain is touched.</li>
 *   <li>One transaction per table: chains are created before the jumps that target them.</li>
 * </ul>
 */
public final class IptablesManager {
    private static final Logger log = LoggerFactory.getLogger(IptablesManager.class);

    private final Iptables iptables;
    /** Tables {@link #remove()} looks in: the ones our rules use, and any that {@link #ensure} has seen. */
    private final Set<String> tables = new LinkedHashSet<>(List.of("nat", "filter"));
    /** Rules this manager has put in place before, so that a missing one is reported as restored. */
    private final Set<IptablesRule> ensured = new HashSet<>();

    public IptablesManager(Iptables iptables) {
        this.iptables = iptables;
    }

    /**
     * Makes each of our chains hold exactly its rules from {@code chainRules} (in that order; the chains are
     * created when missing), and makes each jump present exactly once in its chain (inserted at the top when
     * missing). Idempotent: when everything is in place it reads and writes nothing else.
     *
     * @param chainRules rules in chains named {@value IptablesRules#CHAIN_PREFIX}*
     * @param jumps rules in other chains (the built-in ones) that lead into ours
     * @return what it changed, one line each ("Restored iptables rule: -t nat -A ..."), also logged at INFO;
     *     empty when nothing was missing or different
     * @throws IptablesException when iptables cannot be read or refuses the change (nothing of that table
     *     changed then)
     */
    public synchronized List<String> ensure(List<IptablesRule> chainRules, List<IptablesRule> jumps) {
        Map<String, Map<String, List<IptablesRule>>> chainsByTable = new LinkedHashMap<>();
        for (IptablesRule r : chainRules) {
            if (!r.chain().startsWith(IptablesRules.CHAIN_PREFIX)) {
                throw new IllegalArgumentException("refusing to manage chain " + r.chain() + " (table " + r.table()
                        + "): the agent owns only chains named " + IptablesRules.CHAIN_PREFIX + "*");
            }
            chainsByTable.computeIfAbsent(r.table(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(r.chain(), c -> new ArrayList<>()).add(r);
        }
        Map<String, List<IptablesRule>> jumpsByTable = new LinkedHashMap<>();
        for (IptablesRule j : new LinkedHashSet<>(jumps)) {
            if (j.chain().startsWith(IptablesRules.CHAIN_PREFIX) || j.target() == null) {
                throw new IllegalArgumentException("a jump must sit in a built-in chain and have a -j target: " + j);
            }
            jumpsByTable.computeIfAbsent(j.table(), t -> new ArrayList<>()).add(j);
        }
        Set<String> touched = new LinkedHashSet<>(chainsByTable.keySet());
        touched.addAll(jumpsByTable.keySet());
        tables.addAll(touched);

        List<String> changes = new ArrayList<>();
        for (String table : touched) {
            changes.addAll(ensureTable(table, chainsByTable.getOrDefault(table, Map.of()), jumpsByTable.getOrDefault(table, List.of())));
        }
        ensured.addAll(chainRules);
        ensured.addAll(jumps);
        return List.copyOf(changes);
    }

    private List<String> ensureTable(String table, Map<String, List<IptablesRule>> chains, List<IptablesRule> jumps) {
        SavedTable saved = SavedTable.parse(table, iptables.save(table));
        List<String> chainLines = new ArrayList<>();
        List<String> ruleLines = new ArrayList<>();
        List<String> jumpLines = new ArrayList<>();
        List<String> messages = new ArrayList<>();

        for (Map.Entry<String, List<IptablesRule>> e : chains.entrySet()) {
            String chain = e.getKey();
            List<List<String>> want = e.getValue().stream().map(IptablesRule::spec).toList();
            List<List<String>> have = saved.rules(chain);
            if (saved.hasChain(chain) && have.equals(want)) {
                continue;
            }
            chainLines.add(":" + chain + " - [0:0]");
            e.getValue().forEach(r -> ruleLines.add("-A " + chain + " " + r.specText()));
            int before = messages.size();
            if (!saved.hasChain(chain)) {
                messages.add("Created iptables chain -t " + table + " " + chain);
            }
            for (IptablesRule r : e.getValue()) {
                if (!have.contains(r.spec())) {
                    messages.add(verb(r) + " iptables rule: " + r);
                }
            }
            for (List<String> h : have) {
                if (!want.contains(h)) {
                    messages.add("Removed stale iptables rule: -t " + table + " -A " + chain + " " + IptablesRule.text(h));
                }
            }
            if (messages.size() == before) {
                messages.add("Reordered iptables chain -t " + table + " " + chain + " (same rules, other order or duplicates)");
            }
        }

        Map<String, Integer> inserted = new LinkedHashMap<>();
        for (IptablesRule j : jumps) {
            long copies = saved.rules(j.chain()).stream().filter(j.spec()::equals).count();
            if (copies == 0) {
                int position = inserted.merge(j.chain(), 1, Integer::sum);
                jumpLines.add("-I " + j.chain() + " " + position + " " + j.specText());
                messages.add(verb(j) + " iptables rule: " + j);
            }
            for (long extra = copies - 1; extra > 0; extra--) {
                jumpLines.add(0, "-D " + j.chain() + " " + j.specText());
                messages.add("Removed duplicate iptables rule: " + j);
            }
        }

        if (chainLines.isEmpty() && jumpLines.isEmpty()) {
            return List.of();
        }
        iptables.restore(script(table, chainLines, ruleLines, jumpLines));
        messages.forEach(m -> log.info("{}", m));
        return messages;
    }

    private String verb(IptablesRule r) {
        return ensured.contains(r) ? "Restored" : "Added";
    }

    /**
     * Deletes every chain named {@value IptablesRules#CHAIN_PREFIX}* in the nat and filter tables (and any
     * table {@link #ensure} used), with every rule elsewhere that jumps or goes to one of them. Other rules
     * stay. For tests and a future {@code down}; flanneld itself leaves its rules in place on exit.
     *
     * @return what it deleted, one line each; empty when there was nothing of ours
     */
    public synchronized List<String> remove() {
        List<String> changes = new ArrayList<>();
        for (String table : tables) {
            SavedTable saved = SavedTable.parse(table, iptables.save(table));
            List<String> ours = saved.chainNames().stream().filter(c -> c.startsWith(IptablesRules.CHAIN_PREFIX)).toList();
            if (ours.isEmpty()) {
                continue;
            }
            List<String> flush = new ArrayList<>();
            List<String> deletes = new ArrayList<>();
            List<String> messages = new ArrayList<>();
            ours.forEach(c -> flush.add(":" + c + " - [0:0]"));
            for (String chain : saved.chainNames()) {
                if (ours.contains(chain)) {
                    continue;
                }
                for (List<String> rule : saved.rules(chain)) {
                    if (ours.contains(targetOf(rule))) {
                        deletes.add("-D " + chain + " " + IptablesRule.text(rule));
                        messages.add("Deleted iptables rule: -t " + table + " -A " + chain + " " + IptablesRule.text(rule));
                    }
                }
            }
            for (String c : ours) {
                deletes.add("-X " + c);
                messages.add("Deleted iptables chain -t " + table + " " + c);
            }
            iptables.restore(script(table, flush, List.of(), deletes));
            messages.forEach(m -> log.info("{}", m));
            changes.addAll(messages);
        }
        ensured.clear();
        return List.copyOf(changes);
    }

    private static String targetOf(List<String> words) {
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("-j") || words.get(i).equals("-g")) {
                return words.get(i + 1);
            }
        }
        return null;
    }

    private static String script(String table, List<String> chainLines, List<String> ruleLines, List<String> otherLines) {
        StringBuilder b = new StringBuilder("*").append(table).append('\n');
        chainLines.forEach(l -> b.append(l).append('\n'));
        ruleLines.forEach(l -> b.append(l).append('\n'));
        otherLines.forEach(l -> b.append(l).append('\n'));
        return b.append("COMMIT\n").toString();
    }
}
