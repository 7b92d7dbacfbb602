package dev.vxlab.orchestrator.doctor.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The filter table of an iptables-save listing: chain policies and each chain's rule lines, in order. */
record IptablesSave(Map<String, String> policies, Map<String, List<String>> rules) {

    static IptablesSave filter(List<String> lines) {
        Map<String, String> policies = new LinkedHashMap<>();
        Map<String, List<String>> rules = new LinkedHashMap<>();
        boolean inFilter = false;
        for (String l : lines) {
            if (l.startsWith("*")) {
                inFilter = l.equals("*filter");
            } else if (inFilter && l.startsWith(":")) {
                String[] f = l.substring(1).split(" ");
                policies.put(f[0], f.length > 1 ? f[1] : "-");
            } else if (inFilter && l.startsWith("-A ")) {
                String chain = l.split(" ")[1];
                rules.computeIfAbsent(chain, k -> new ArrayList<>()).add(l);
            }
        }
        return new IptablesSave(policies, rules);
    }

    List<String> chain(String name) {
        return rules.getOrDefault(name, List.of());
    }

    /** The rules of {@code chain} and of the chains it jumps to, depth first (a jump loop is not followed twice). */
    List<String> reachable(String chain) {
        List<String> out = new ArrayList<>();
        walk(chain, out, new ArrayList<>());
        return out;
    }

    private void walk(String chain, List<String> out, List<String> seen) {
        if (seen.contains(chain)) {
            return;
        }
        seen.add(chain);
        for (String r : chain(chain)) {
            out.add(r);
            String target = target(r);
            if (target != null && rules.containsKey(target)) {
                walk(target, out, seen);
            }
        }
    }

    static String target(String rule) {
        int j = rule.indexOf(" -j ");
        return j < 0 ? null : rule.substring(j + 4).split(" ")[0];
    }
}
