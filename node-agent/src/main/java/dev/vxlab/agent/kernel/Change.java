package dev.vxlab.agent.kernel;

import dev.vxlab.core.net.Ip4Net;

/**
 * One kernel change, as data. {@link #tool()} and {@link #args()} are the iproute2 command that makes it
 * ({@code ip} or {@code bridge}), which is also what --explain logs: "ip neigh replace 10.244.2.0 lladdr …".
 */
public sealed interface Change {
    String tool();

    String args();

    default String command() {
        return tool() + " " + args();
    }

    /** Whether this change removes something (removals are tried one by one even if another fails). */
    default boolean removal() {
        return false;
    }

    record AddVxlan(VxlanLink link) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "link add " + link.name() + (link.mac() != null ? " address " + link.mac() : "") + " type vxlan id " + link.vni()
                    + " dev " + link.lowerDev() + " local " + link.local() + " dstport " + link.port() + " nolearning";
        }
    }

    record DeleteLink(String name) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "link del " + name;
        }

        @Override
        public boolean removal() {
            return true;
        }
    }

    record SetMtuUp(String name, int mtu) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "link set " + name + " mtu " + mtu + " up";
        }
    }

    record ReplaceAddress(String dev, Ip4Net address) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "addr replace " + address + " dev " + dev;
        }
    }

    record DeleteAddress(String dev, Ip4Net address) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "addr del " + address + " dev " + dev;
        }

        @Override
        public boolean removal() {
            return true;
        }
    }

    record ReplaceNeighbor(Neighbor n) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "neigh replace " + n.ip() + " lladdr " + n.mac() + " dev " + n.dev() + " nud permanent";
        }
    }

    record DeleteNeighbor(Neighbor n) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "neigh del " + n.ip() + " dev " + n.dev();
        }

        @Override
        public boolean removal() {
            return true;
        }
    }

    record ReplaceFdb(FdbEntry f) implements Change {
        public String tool() {
            return "bridge";
        }

        public String args() {
            return "fdb replace " + f.mac() + " dev " + f.dev() + " dst " + f.dst() + " self permanent";
        }
    }

    record DeleteFdb(FdbEntry f) implements Change {
        public String tool() {
            return "bridge";
        }

        public String args() {
            return "fdb del " + f.mac() + " dev " + f.dev() + " dst " + f.dst() + " self";
        }

        @Override
        public boolean removal() {
            return true;
        }
    }

    record ReplaceRoute(Route r) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "route replace " + r.dst() + " via " + r.via() + " dev " + r.dev() + (r.onlink() ? " onlink" : "");
        }
    }

    record DeleteRoute(Route r) implements Change {
        public String tool() {
            return "ip";
        }

        public String args() {
            return "route del " + r.dst() + " via " + r.via() + " dev " + r.dev();
        }

        @Override
        public boolean removal() {
            return true;
        }
    }
}
