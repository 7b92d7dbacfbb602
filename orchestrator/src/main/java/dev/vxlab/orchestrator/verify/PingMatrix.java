package dev.vxlab.orchestrator.verify;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Proves the overlay: on every node a test container (a network namespace on a bridge docker0 addressed from
 * the node's FLANNEL_SUBNET with FLANNEL_MTU, as Docker with --bip/--mtu would make it), then a ping from
 * every container to every other node's container. The matrix holds RTTs in ms, or null for a failed pair.
 */
public final class PingMatrix {
    static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");

    /** Present when the test container's bridge docker0 was made by vxlab (a node without Docker): down deletes it. */
    public static final String MADE_BRIDGE = "/var/lib/vxlab/docker0.made";

    /** The addresses vxlab added to a docker0 that was there before (Docker's own), one a line: down removes them. */
    public static final String ADDED_ADDRESSES = "/var/lib/vxlab/docker0.addr";

    private PingMatrix() {
    }

    public record Result(List<String> nodes, Map<String, String> containerIps, Double[][] rtt) {
        public List<String> failed() {
            List<String> f = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                for (int j = 0; j < nodes.size(); j++) {
                    if (i != j && rtt[i][j] == null) {
                        f.add(nodes.get(i) + " -> " + nodes.get(j));
                    }
                }
            }
            return f;
        }
    }

    /**
     * One pair's don't-fragment pings: {@code payload} = FLANNEL_MTU - 28 (the largest ICMP payload that fits the
     * overlay) must cross, and one byte more must be refused by the container itself ("message too long"), which
     * is what happens when its MTU is the overlay's. Sent and lost instead, it means the container's MTU is above
     * the overlay's: full-size packets leave it and are dropped on the way (the "ping works, curl hangs" case).
     */
    public record MtuCheck(String from, String to, int payload, boolean fits, boolean overRefusedHere) {
        public boolean ok() {
            return fits && overRefusedHere;
        }

        /** Why not, or null. */
        public String problem() {
            if (!fits) {
                return payload + "-byte don't-fragment pings (FLANNEL_MTU - 28) do not cross: the path carries less than FLANNEL_MTU";
            }
            if (!overRefusedHere) {
                return (payload + 1) + "-byte don't-fragment pings leave the container: its MTU is above the overlay's, so full-size"
                        + " packets are dropped on the way (ping works, curl hangs)";
            }
            return null;
        }
    }

    /** The MTU checks of every ordered pair: one command per source node, all targets in parallel there. */
    public static List<MtuCheck> mtu(Map<String, RemoteShell> shells, Map<String, String> containerIps) {
        List<String> nodes = new ArrayList<>(shells.keySet());
        List<MtuCheck> out = Collections.synchronizedList(new ArrayList<>());
        List<Integer> sources = IntStream.range(0, nodes.size()).boxed().toList();
        Parallel.forEach(sources, from -> {
            StringBuilder script = new StringBuilder(". /run/flannel/subnet.env; s=$((FLANNEL_MTU - 28)); echo \"payload $s\"; ");
            for (int j = 0; j < nodes.size(); j++) {
                if (j != from) {
                    String ip = Shell.quote(containerIps.get(nodes.get(j)));
                    script.append("ip netns exec vxtest ping -M do -c 1 -W 2 -s $s ").append(ip).append(" >/dev/null 2>&1; echo \"fit ")
                            .append(j).append(" $?\"; if ip netns exec vxtest ping -M do -c 1 -W 2 -s $((s + 1)) ").append(ip)
                            .append(" 2>&1 | grep -q 'message too long'; then echo \"over ").append(j).append(" refused\"; else echo \"over ")
                            .append(j).append(" sent\"; fi; ");
                }
            }
            RemoteShell.Result r = shells.get(nodes.get(from)).exec("sh -c " + Shell.quote(script.toString()));
            out.addAll(parseMtu(nodes, from, r.stdout()));
        });
        List<MtuCheck> ordered = new ArrayList<>(out);
        ordered.sort(Comparator.comparing((MtuCheck c) -> nodes.indexOf(c.from())).thenComparing(c -> nodes.indexOf(c.to())));
        return ordered;
    }

    /** "payload N", then "fit J CODE" and "over J refused|sent" per target J. Pure. */
    static List<MtuCheck> parseMtu(List<String> nodes, int from, String stdout) {
        int payload = 0;
        Map<Integer, Boolean> fits = new LinkedHashMap<>();
        Map<Integer, Boolean> refused = new LinkedHashMap<>();
        for (String l : stdout.split("\n")) {
            String[] f = l.trim().split(" ");
            if (f.length == 2 && f[0].equals("payload")) {
                payload = Integer.parseInt(f[1]);
            } else if (f.length == 3 && f[0].equals("fit")) {
                fits.put(Integer.parseInt(f[1]), f[2].equals("0"));
            } else if (f.length == 3 && f[0].equals("over")) {
                refused.put(Integer.parseInt(f[1]), f[2].equals("refused"));
            }
        }
        List<MtuCheck> out = new ArrayList<>();
        for (int j = 0; j < nodes.size(); j++) {
            if (j != from) {
                out.add(new MtuCheck(nodes.get(from), nodes.get(j), payload, fits.getOrDefault(j, false), refused.getOrDefault(j, false)));
            }
        }
        return out;
    }

    /** The test container on one node: idempotent; returns its address. */
    public static String ensureContainer(RemoteShell sh, String node) {
        String script = "set -e; . /run/flannel/subnet.env; "
                + "base=${FLANNEL_SUBNET%.*}; len=${FLANNEL_SUBNET#*/}; "
                // what is added to the node is written down, so that down (provider ssh) removes exactly that
                + "mkdir -p /var/lib/vxlab; "
                // the MTU only on a bridge made here: a docker0 that is there (Docker's, or one a student or an exercise
                // changed) keeps its own, and doctor's VX009 says when it is too large
                + "if ! ip link show docker0 >/dev/null 2>&1; then ip link add docker0 mtu $FLANNEL_MTU type bridge; touch " + MADE_BRIDGE + "; fi; "
                + "if ! ip -4 -o addr show dev docker0 | grep -q \" $FLANNEL_SUBNET \"; then "
                + "  ip addr add $FLANNEL_SUBNET dev docker0; echo $FLANNEL_SUBNET >> " + ADDED_ADDRESSES + "; fi; "
                + "ip link set docker0 up; "
                + "if ! ip netns exec vxtest true 2>/dev/null; then "
                + "  ip netns add vxtest; ip -n vxtest link set lo up; "
                + "  ip link add vxtest0 mtu $FLANNEL_MTU type veth peer name eth0 netns vxtest mtu $FLANNEL_MTU; "
                + "  ip link set vxtest0 master docker0 up; "
                + "  ip -n vxtest addr add $base.2/$len dev eth0; ip -n vxtest link set eth0 up; "
                + "  ip -n vxtest route add default via $base.1; "
                + "fi; echo $base.2";
        RemoteShell.Result r = sh.exec("sh -c " + Shell.quote(script));
        if (!r.ok()) {
            throw new VxlabException("cannot set up the test container on " + node + ": " + r.stderr().trim(),
                    "does the node have its subnet.env? (the agent step makes it)");
        }
        String[] lines = r.stdout().trim().split("\n");
        return lines[lines.length - 1].trim();
    }

    /**
     * Pings every ordered pair: one command per source node, which pings all the others at once and prints
     * "&lt;ip&gt; &lt;exit code&gt; &lt;last rtt&gt;" per target; the source nodes run in parallel.
     */
    public static Result run(Map<String, RemoteShell> shells, Map<String, String> containerIps) {
        List<String> nodes = new ArrayList<>(shells.keySet());
        Double[][] rtt = new Double[nodes.size()][nodes.size()];
        List<Integer> sources = IntStream.range(0, nodes.size()).boxed().toList();
        Parallel.forEach(sources, from -> pingFrom(shells.get(nodes.get(from)), from, nodes, containerIps, rtt));
        return new Result(nodes, new LinkedHashMap<>(containerIps), rtt);
    }

    private static void pingFrom(RemoteShell sh, int from, List<String> nodes, Map<String, String> ips, Double[][] rtt) {
        StringBuilder script = new StringBuilder("d=$(mktemp -d); ");
        for (int j = 0; j < nodes.size(); j++) {
            if (j != from) {
                String ip = Shell.quote(ips.get(nodes.get(j)));
                script.append("(ip netns exec vxtest ping -c 2 -i 0.2 -W 2 ").append(ip).append(" > \"$d/").append(j)
                        .append("\" 2>&1; echo $? >> \"$d/").append(j).append("\") & ");
            }
        }
        script.append("wait; for f in \"$d\"/*; do echo \"== ${f##*/}\"; cat \"$f\"; done; rm -rf \"$d\"");
        RemoteShell.Result r = sh.exec("sh -c " + Shell.quote(script.toString()));
        String[] blocks = r.stdout().split("(?m)^== ");
        for (String block : blocks) {
            if (block.isBlank()) {
                continue;
            }
            int nl = block.indexOf('\n');
            int j = Integer.parseInt(block.substring(0, nl).trim());
            String body = block.substring(nl + 1).trim();
            String[] lines = body.split("\n");
            boolean ok = lines[lines.length - 1].trim().equals("0");
            Matcher m = RTT.matcher(body);
            Double last = null;
            while (m.find()) {
                last = Double.parseDouble(m.group(1));
            }
            rtt[from][j] = ok ? last : null;
        }
    }
}
