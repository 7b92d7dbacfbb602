package dev.vxlab.agent.iface;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * flanneld's choice of the external interface, as a pure function over an {@link InterfaceInventory}:
 * each --iface in order (an address selects the interface holding it, anything else is a name); then each
 * --iface-regex, matched against every interface's addresses first and then against the names; then
 * --iface-can-reach (the interface and source address of the kernel's route to it); with none of these
 * given, the interface of the default route. When options were given and none matched, it fails rather than
 * fall back to the default route (that fallback is how nodes end up on Vagrant's NAT eth0). --public-ip
 * overrides the advertised address only.
 */
public final class InterfaceSelector {

    public record Options(List<String> ifaces, List<Pattern> regexes, Ip4 canReach, Ip4 publicIp) {
        public static Options none() {
            return new Options(List.of(), List.of(), null, null);
        }
    }

    private InterfaceSelector() {
    }

    public static ExternalInterface select(Options opts, InterfaceInventory inv) {
        List<NetInterface> all = inv.interfaces();
        List<String> tried = new ArrayList<>();
        Optional<ExternalInterface> found = Optional.empty();

        for (String spec : opts.ifaces()) {
            found = byNameOrIp(spec, all, opts.publicIp(), tried);
            if (found.isPresent()) {
                break;
            }
        }
        if (found.isEmpty()) {
            for (Pattern p : opts.regexes()) {
                found = byRegex(p, all, opts.publicIp(), tried);
                if (found.isPresent()) {
                    break;
                }
            }
        }
        if (found.isEmpty() && opts.canReach() != null) {
            Optional<InterfaceInventory.RouteHint> route = inv.routeTo(opts.canReach());
            if (route.isEmpty()) {
                tried.add("--iface-can-reach=" + opts.canReach() + ": the kernel has no route to it");
            } else {
                NetInterface i = byName(route.get().iface(), all).orElse(null);
                if (i == null) {
                    tried.add("--iface-can-reach=" + opts.canReach() + ": route leads to unknown interface " + route.get().iface());
                } else {
                    Ip4 src = route.get().source() != null ? route.get().source() : firstAddress(i).orElse(null);
                    found = usable(i, src, opts.publicIp(), "--iface-can-reach=" + opts.canReach(), tried);
                }
            }
        }
        boolean anyGiven = !opts.ifaces().isEmpty() || !opts.regexes().isEmpty() || opts.canReach() != null;
        if (found.isEmpty() && !anyGiven) {
            Optional<String> dflt = inv.defaultRouteInterface();
            if (dflt.isEmpty()) {
                throw new InterfaceSelectionException(
                        "no default route, so no interface to default to. Interfaces: " + list(all),
                        "name the interface with --iface=<name or address>, or use --iface-can-reach=<another node's address>");
            }
            NetInterface i = byName(dflt.get(), all).orElseThrow(() -> new InterfaceSelectionException(
                    "the default route uses interface " + dflt.get() + ", which is not in the interface list " + list(all),
                    "name the interface with --iface"));
            found = usable(i, firstAddress(i).orElse(null), opts.publicIp(), "the default route", tried);
        }
        if (found.isEmpty()) {
            throw new InterfaceSelectionException(
                    "failed to find an interface that matches the interfaces and/or regexes provided (" + String.join("; ", tried)
                            + "). Interfaces: " + list(all),
                    "use --iface with one of the names or addresses listed, --iface-regex, or --iface-can-reach=<another node's address>");
        }
        return found.get();
    }

    private static Optional<ExternalInterface> byNameOrIp(String spec, List<NetInterface> all, Ip4 publicIp, List<String> tried) {
        if (Ip4.isValid(spec)) {
            Ip4 ip = Ip4.parse(spec);
            Optional<NetInterface> i = all.stream().filter(n -> n.has(ip)).findFirst();
            if (i.isEmpty()) {
                tried.add("--iface=" + spec + ": no interface has that address");
                return Optional.empty();
            }
            return usable(i.get(), ip, publicIp, "--iface=" + spec, tried);
        }
        Optional<NetInterface> i = byName(spec, all);
        if (i.isEmpty()) {
            tried.add("--iface=" + spec + ": no such interface");
            return Optional.empty();
        }
        return usable(i.get(), firstAddress(i.get()).orElse(null), publicIp, "--iface=" + spec, tried);
    }

    private static Optional<ExternalInterface> byRegex(Pattern p, List<NetInterface> all, Ip4 publicIp, List<String> tried) {
        for (NetInterface i : all) {
            for (Ip4Net a : i.addresses()) {
                if (p.matcher(a.ip().toString()).find()) {
                    return usable(i, a.ip(), publicIp, "--iface-regex=" + p.pattern(), tried);
                }
            }
        }
        for (NetInterface i : all) {
            if (p.matcher(i.name()).find()) {
                Optional<ExternalInterface> e = usable(i, firstAddress(i).orElse(null), publicIp, "--iface-regex=" + p.pattern(), tried);
                if (e.isPresent()) {
                    return e;
                }
            }
        }
        tried.add("--iface-regex=" + p.pattern() + ": matches no address and no usable interface name");
        return Optional.empty();
    }

    private static Optional<ExternalInterface> usable(NetInterface i, Ip4 addr, Ip4 publicIp, String how, List<String> tried) {
        if (addr == null) {
            tried.add(how + ": interface " + i.name() + " has no IPv4 address");
            return Optional.empty();
        }
        if (i.mtu() <= 0) {
            tried.add(how + ": interface " + i.name() + " reports no MTU");
            return Optional.empty();
        }
        return Optional.of(new ExternalInterface(i, addr, publicIp != null ? publicIp : addr, how));
    }

    private static Optional<NetInterface> byName(String name, List<NetInterface> all) {
        return all.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    private static Optional<Ip4> firstAddress(NetInterface i) {
        return i.addresses().stream().map(Ip4Net::ip).findFirst();
    }

    /** Every interface with its addresses: "lo 127.0.0.1/8; eth0 10.0.2.15/24; eth1 192.168.56.11/24". */
    public static String list(List<NetInterface> all) {
        return all.isEmpty() ? "(none)" : all.stream().map(NetInterface::describe).collect(Collectors.joining("; "));
    }

    /** The interfaces other than {@code chosen} and loopback, described, for the duplicate-IP explanation. */
    public static List<String> others(NetInterface chosen, List<NetInterface> all) {
        return others(chosen, all, List.of());
    }

    /**
     * As {@link #others(NetInterface, List)}, usable ones first, and among those first the ones on a network that
     * holds one of {@code shared} (the etcd endpoints' addresses: every node reaches etcd, so that network is one
     * they share, and the first listed is what the explanation's hint names; a management interface such as a
     * container's mgmt0 is not).
     */
    public static List<String> others(NetInterface chosen, List<NetInterface> all, List<Ip4> shared) {
        return all.stream().filter(i -> !i.loopback() && !i.name().equals(chosen.name()))
                .sorted(java.util.Comparator.comparing((NetInterface i) -> i.addresses().isEmpty() || !i.up())
                        .thenComparing(i -> i.addresses().stream().noneMatch(a -> shared.stream().anyMatch(a::contains))))
                .map(NetInterface::describe).toList();
    }
}
