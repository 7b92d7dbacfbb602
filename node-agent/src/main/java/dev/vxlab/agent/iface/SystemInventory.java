package dev.vxlab.agent.iface;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's interfaces (java.net.NetworkInterface, no process spawned), the default route from
 * /proc/net/route, and {@code ip route get} for --iface-can-reach. All of it per network namespace.
 */
public final class SystemInventory implements InterfaceInventory {
    private static final Pattern ROUTE_GET = Pattern.compile("\\bdev (\\S+)(?:.*?\\bsrc (\\d+\\.\\d+\\.\\d+\\.\\d+))?");

    @Override
    public List<NetInterface> interfaces() {
        List<NetInterface> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (ni.isVirtual()) {
                    continue; // alias sub-interfaces (eth0:1) are listed with their parent
                }
                List<Ip4Net> addrs = new ArrayList<>();
                for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                    if (a.getAddress() instanceof Inet4Address v4) {
                        addrs.add(new Ip4Net(Ip4.of(v4.getAddress()), a.getNetworkPrefixLength()));
                    }
                }
                out.add(new NetInterface(ni.getName(), ni.getIndex(), ni.getMTU(), ni.isUp(), ni.isLoopback(), List.copyOf(addrs)));
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot list network interfaces", e);
        }
        out.sort(Comparator.comparingInt(NetInterface::index));
        return out;
    }

    @Override
    public Optional<String> defaultRouteInterface() {
        try {
            return parseDefaultRoute(Files.readString(Path.of("/proc/net/route"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The interface of the lowest-metric 0.0.0.0/0 route in /proc/net/route's table. */
    static Optional<String> parseDefaultRoute(String procNetRoute) {
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : procNetRoute.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface")) {
                continue;
            }
            // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
            boolean up = (Integer.parseInt(f[3], 16) & 0x1) != 0;
            if (f[1].equals("00000000") && f[7].equals("00000000") && up) {
                long metric = Long.parseLong(f[6]);
                if (metric < bestMetric) {
                    bestMetric = metric;
                    best = f[0];
                }
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public Optional<RouteHint> routeTo(Ip4 destination) {
        try {
            Process p = new ProcessBuilder("ip", "-o", "-4", "route", "get", destination.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return parseRouteGet(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run 'ip route get " + destination + "' (is iproute2 installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Parses {@code ip -o route get} output: "192.168.56.12 dev eth1 src 192.168.56.11 uid 0 \ cache". */
    static Optional<RouteHint> parseRouteGet(String out) {
        Matcher m = ROUTE_GET.matcher(out);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new RouteHint(m.group(1), m.group(2) == null ? null : Ip4.parse(m.group(2))));
    }
}
