package dev.vxlab.orchestrator.fake;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link FakeShell} that behaves like a lab node for the whole pipeline: Debian 12 with ip, bridge and iptables,
 * its own Java 17, no systemd; an agent that runs once started and then holds the lease 10.244.INDEX.1/24; a test
 * container at 10.244.INDEX.2; pings that answer except towards the nodes {@link #unreachable} names.
 */
public final class FakeNode extends FakeShell {
    private static final Pattern PING_TARGET = Pattern.compile("> \"\\$d/(\\d+)\"");

    private volatile boolean agentRunning;
    /** Indexes (in the spec's node order, from 0) of the nodes this one's pings do not reach. */
    public final Set<Integer> unreachable = ConcurrentHashMap.newKeySet();

    public FakeNode(String node, int index, Events events) {
        super(node, events);
        on("os-release", ok("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n"));
        on("for c in ip bridge", ok("ip\nbridge\niptables\napt-get\n"));
        on("java -XshowSettings", ok("17\n"));
        on("[ -d /run/systemd/system ]", fail(""));
        on("/proc/sys/kernel/hostname", ok(node + "\n"));
        on("kill -0", cmd -> agentRunning ? ok("") : fail(""));
        on("/opt/vxlab/bin/vxlabd-restart", cmd -> {
            agentRunning = true;
            return ok("");
        });
        on("cat /run/flannel/subnet.env", cmd -> agentRunning
                ? ok("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244." + index + ".1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n") : fail(""));
        // the lease wait as it runs on a node (Provisioner.awaitLeaseCommand): the file, else the agent gone
        on("if [ -s /run/flannel/subnet.env ]", cmd -> agentRunning
                ? ok("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244." + index + ".1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n")
                : new Result(dev.vxlab.orchestrator.deploy.Provisioner.AGENT_GONE, "", ""));
        on("vxtest0", ok("10.244." + index + ".2\n"));
        on("ping -c 2", cmd -> {
            StringBuilder out = new StringBuilder();
            Matcher m = PING_TARGET.matcher(cmd);
            while (m.find()) {
                int j = Integer.parseInt(m.group(1));
                if (out.indexOf("== " + j + "\n") >= 0) {
                    continue;
                }
                out.append("== ").append(j).append('\n');
                if (unreachable.contains(j)) {
                    out.append("2 packets transmitted, 0 received, 100% packet loss\n1\n");
                } else {
                    out.append("64 bytes from 10.244.").append(j + 1).append(".2: icmp_seq=1 ttl=62 time=0.4").append(j).append(" ms\n0\n");
                }
            }
            return ok(out.toString());
        });
    }

    /** The agent exits at once, explaining itself in its log (as with a wrong --iface). */
    public FakeNode agentRefuses(String why) {
        on("/opt/vxlab/bin/vxlabd-restart", ok(""));
        on("/ERROR|refusing|hint/", ok(why + "\n"));
        return this;
    }
}
