package dev.vxlab.orchestrator.exercise;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every fault, in one list (what {@code break --list}, the docs and the tests read). Each stops or keeps the agent
 * as the fault needs: a running agent repairs kernel entries within 30 s and its own iptables chain, so the faults
 * in the kernel's tables are made with the agent stopped ("the agent died, then ..."), which is also part of what
 * the student finds and mends.
 */
public final class Faults {
    static final String RESTART_AGENT = "/opt/vxlab/bin/vxlabd-restart";
    /** Stops the agent on a node, with or without systemd, and waits until it is gone (the restart script's own stop). */
    static final String STOP_AGENT = RESTART_AGENT + " stop >/dev/null; ";
    /** Restarts the agent and returns once it wrote subnet.env again (it holds its lease and programmed its peers), at most 15 s. */
    static final String RESTART_AND_WAIT = "rm -f /run/flannel/subnet.env; " + RESTART_AGENT + " >/dev/null; i=0; "
            + "while [ ! -f /run/flannel/subnet.env ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done";
    static final String COMMENT = "vxlab-exercise";

    public static final List<Fault> ALL = List.of(
            new Simple("agent-on-eth0", "VX001", "the agent restarted on eth0, the NAT interface (the Vagrant 10.0.2.15 trap)", true, false,
                    t -> "cp /etc/sysconfig/flanneld /var/lib/vxlab/flanneld.before-exercise; "
                            + "sed -i 's/^FLANNEL_OPTIONS=.*/FLANNEL_OPTIONS=\"--iface=eth0\"/' /etc/sysconfig/flanneld; " + RESTART_AND_WAIT,
                    t -> "sed -i 's/^FLANNEL_OPTIONS=.*/FLANNEL_OPTIONS=\"--iface=" + t.underlayIface() + "\"/' /etc/sysconfig/flanneld; " + RESTART_AGENT,
                    t -> "if [ -f /var/lib/vxlab/flanneld.before-exercise ]; then mv /var/lib/vxlab/flanneld.before-exercise /etc/sysconfig/flanneld; fi"),
            new Simple("udp-drop", "VX012", "UDP to the VXLAN port dropped by iptables on the node", false, false,
                    t -> "iptables -I INPUT -p udp --dport " + t.port() + " -m comment --comment " + COMMENT + " -j DROP",
                    t -> "iptables -D INPUT -p udp -m udp --dport " + t.port() + " -m comment --comment " + COMMENT + " -j DROP",
                    t -> "while iptables -D INPUT -p udp -m udp --dport " + t.port() + " -m comment --comment " + COMMENT + " -j DROP 2>/dev/null; do :; done"),
            new Simple("bridge-mtu", "VX009", "the container bridge's MTU raised above the overlay's (ping works, curl hangs)", false, false,
                    t -> "ip link set docker0 mtu " + (t.mtu() + 50),
                    t -> "ip link set docker0 mtu " + t.mtu(),
                    t -> "ip link set docker0 mtu " + t.mtu() + " 2>/dev/null || true"),
            new Simple("stale-fdb", "VX007", "the agent stopped and the FDB entry for a peer's VTEP pointed at another address", false, false,
                    t -> STOP_AGENT + "bridge fdb replace " + t.peerMac() + " dev " + t.vxlanDevice() + " dst " + t.unusedUnderlayIp() + " self permanent",
                    t -> "bridge fdb replace " + t.peerMac() + " dev " + t.vxlanDevice() + " dst " + t.peerPublicIp() + " self permanent; " + RESTART_AGENT,
                    t -> ""),
            new Simple("route-deleted", "VX005", "the agent stopped and the route to a peer's subnet deleted", false, false,
                    t -> STOP_AGENT + "ip route del " + t.peerSubnet() + " dev " + t.vxlanDevice(),
                    t -> "ip route replace " + t.peerSubnet() + " via " + t.peerSubnet().replaceFirst("/\\d+$", "") + " dev " + t.vxlanDevice()
                            + " onlink; " + RESTART_AGENT,
                    t -> ""),
            new Simple("forward-drop", "VX011", "the agent stopped and the FORWARD chain set to policy DROP with its accept rules gone", false, false,
                    t -> STOP_AGENT + "iptables -S FORWARD | head -1 | cut -d' ' -f3 > /var/lib/vxlab/forward.before-exercise; iptables -P FORWARD DROP; "
                            + "iptables -S FORWARD | grep -e '-j VXLAB-FWD' -e '-o " + t.vxlanDevice() + " -j ACCEPT' -e '-i " + t.vxlanDevice()
                            + " -o docker0 -j ACCEPT' | sed 's/^-A /-D /' | while read -r r; do eval iptables $r; done",
                    t -> "iptables -P FORWARD ACCEPT; " + RESTART_AGENT,
                    t -> "if [ -f /var/lib/vxlab/forward.before-exercise ]; then iptables -P FORWARD \"$(cat /var/lib/vxlab/forward.before-exercise)\"; fi"),
            new Simple("lease-deleted", "VX003", "the agent stopped and the node's lease deleted from etcd", false, true,
                    t -> STOP_AGENT + "true",
                    t -> RESTART_AGENT,
                    t -> ""),
            new Simple("wrong-vni", "VX008", "the agent stopped and flannel.<VNI> re-created with another VNI", false, false,
                    t -> STOP_AGENT + "ip link del " + t.vxlanDevice() + "; ip link add " + t.vxlanDevice() + " type vxlan id " + (t.vni() + 6)
                            + " local " + t.underlayIp() + " dev " + t.underlayIface() + " dstport " + t.port() + " nolearning; ip addr add "
                            + t.subnetNetwork() + "/32 dev " + t.vxlanDevice() + "; ip link set " + t.vxlanDevice() + " mtu " + t.mtu() + " up",
                    t -> "ip link del " + t.vxlanDevice() + "; " + RESTART_AGENT,
                    t -> ""));

    private Faults() {
    }

    public static Optional<Fault> byId(String id) {
        return ALL.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    public static List<String> ids() {
        return ALL.stream().map(Fault::id).toList();
    }

    /** A fault whose parts are given: its commands are functions of the target. */
    record Simple(String id, String rule, String title, boolean needsNat, boolean deletesLease,
                  Function<Target, String> injectF, Function<Target, String> fixF,
                  Function<Target, String> undoF) implements Fault {
        @Override
        public String inject(Target t) {
            return injectF.apply(t);
        }

        @Override
        public String fix(Target t) {
            return fixF.apply(t);
        }

        @Override
        public String undo(Target t) {
            return undoF.apply(t);
        }
    }
}
