package dev.vxlab.agent.iproute2;

import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.kernel.KernelException;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.kernel.VxlanLink;
import dev.vxlab.core.json.Json;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link Kernel} through iproute2's {@code ip} and {@code bridge} processes, not netlink: reads with
 * {@code ip -j} / {@code bridge -j} (one process each, only at start, after a failed change and on the periodic
 * resync), writes through one long-lived {@code ip -force -batch -}
 * and one {@code bridge -force -batch -} process ({@link BatchProcess}), so that a lease event costs no process
 * start; a failing line, or one that ends the tool, does not stop the others.
 */
public final class IpRoute2Executor implements Kernel, AutoCloseable {
    private final BatchProcess ip;
    private final BatchProcess bridge;

    public IpRoute2Executor() {
        this(BatchProcess.of("ip"), BatchProcess.of("bridge"));
    }

    IpRoute2Executor(BatchProcess ip, BatchProcess bridge) {
        this.ip = ip;
        this.bridge = bridge;
    }

    @Override
    public Optional<VxlanLink> vxlanLink(String name) {
        Result r = run(List.of("ip", "-d", "-j", "link", "show", "dev", name));
        if (r.code != 0) {
            return Optional.empty();
        }
        Result a = run(List.of("ip", "-j", "-4", "addr", "show", "dev", name));
        return parseVxlan(r.out, a.code == 0 ? a.out : "[]");
    }

    @Override
    public boolean linkExists(String name) {
        return run(List.of("ip", "link", "show", "dev", name)).code == 0;
    }

    @SuppressWarnings("unchecked")
    static Optional<VxlanLink> parseVxlan(String linkJson, String addrJson) {
        List<Object> links = (List<Object>) Json.parse(linkJson);
        if (links.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> l = (Map<String, Object>) links.get(0);
        Map<String, Object> info = (Map<String, Object>) l.getOrDefault("linkinfo", Map.of());
        if (!"vxlan".equals(info.get("info_kind"))) {
            // same name, another kind of device: report it as incompatible (vni -1)
            return Optional.of(new VxlanLink((String) l.get("ifname"), -1, null, null, 0, false, (String) l.get("address"),
                    num(l.get("mtu")), flags(l).contains("UP"), List.of()));
        }
        Map<String, Object> d = (Map<String, Object>) info.getOrDefault("info_data", Map.of());
        List<Ip4Net> addrs = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(addrJson)) {
            for (Object ai : (List<Object>) ((Map<String, Object>) o).getOrDefault("addr_info", List.of())) {
                Map<String, Object> m = (Map<String, Object>) ai;
                if ("inet".equals(m.get("family"))) {
                    addrs.add(new Ip4Net(Ip4.parse((String) m.get("local")), num(m.get("prefixlen"))));
                }
            }
        }
        return Optional.of(new VxlanLink((String) l.get("ifname"), num(d.get("id")), (String) d.get("link"),
                d.get("local") instanceof String s ? Ip4.parse(s) : null, num(d.get("port")), Boolean.TRUE.equals(d.get("learning")),
                (String) l.get("address"), num(l.get("mtu")), flags(l).contains("UP"), List.copyOf(addrs)));
    }

    @Override
    public List<Neighbor> neighbors(String dev) {
        return parseNeighbors(read(List.of("ip", "-j", "-4", "neigh", "show", "dev", dev)), dev);
    }

    @SuppressWarnings("unchecked")
    static List<Neighbor> parseNeighbors(String json, String dev) {
        List<Neighbor> out = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(json)) {
            Map<String, Object> m = (Map<String, Object>) o;
            Object state = m.get("state");
            boolean permanent = state instanceof List<?> s && s.contains("PERMANENT");
            if (permanent && m.get("lladdr") instanceof String mac && m.get("dst") instanceof String dst && Ip4.isValid(dst)) {
                out.add(new Neighbor(Ip4.parse(dst), mac, dev));
            }
        }
        return out;
    }

    @Override
    public List<FdbEntry> fdb(String dev) {
        return parseFdb(read(List.of("bridge", "-j", "fdb", "show", "dev", dev)), dev);
    }

    @SuppressWarnings("unchecked")
    static List<FdbEntry> parseFdb(String json, String dev) {
        List<FdbEntry> out = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(json)) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (m.get("mac") instanceof String mac && m.get("dst") instanceof String dst && Ip4.isValid(dst)
                    && "permanent".equals(m.get("state"))) {
                out.add(new FdbEntry(mac, Ip4.parse(dst), dev));
            }
        }
        return out;
    }

    @Override
    public List<Route> gatewayRoutes() {
        return parseRoutes(read(List.of("ip", "-j", "-4", "route", "show", "table", "main")));
    }

    @SuppressWarnings("unchecked")
    static List<Route> parseRoutes(String json) {
        List<Route> out = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(json)) {
            Map<String, Object> m = (Map<String, Object>) o;
            Object dst = m.get("dst");
            if (m.get("gateway") instanceof String gw && dst instanceof String d && !d.equals("default") && Ip4.isValid(gw)) {
                Ip4Net net = d.contains("/") ? Ip4Net.parseLoose(d) : new Ip4Net(Ip4.parse(d), 32);
                boolean onlink = m.get("flags") instanceof List<?> f && f.contains("onlink");
                out.add(new Route(net, Ip4.parse(gw), (String) m.get("dev"), onlink));
            }
        }
        return out;
    }

    @Override
    public List<Failure> apply(List<Change> changes) {
        List<List<Change>> groups = new ArrayList<>();
        Set<String> tools = new HashSet<>();
        boolean oneGroupPerTool = true;
        int i = 0;
        while (i < changes.size()) {
            String tool = changes.get(i).tool();
            int j = i;
            while (j < changes.size() && changes.get(j).tool().equals(tool)) {
                j++;
            }
            groups.add(changes.subList(i, j));
            oneGroupPerTool &= tools.add(tool);
            i = j;
        }
        List<Failure> failures = new ArrayList<>();
        if (!oneGroupPerTool) {
            for (List<Change> group : groups) {
                collect(group, batchFor(group).run(lines(group)), failures);
            }
            return failures;
        }
        // A lease event's diff is one bridge batch and one ip batch (see Reconciler): both are written before either
        // answer is read, so the two tools run side by side and the agent waits once, not twice, for a CPU.
        List<BatchProcess.Pending> pending = new ArrayList<>(groups.size());
        for (List<Change> group : groups) {
            pending.add(batchFor(group).submit(lines(group)));
        }
        for (int k = 0; k < groups.size(); k++) {
            collect(groups.get(k), batchFor(groups.get(k)).finish(pending.get(k)), failures);
        }
        return failures;
    }

    private BatchProcess batchFor(List<Change> group) {
        return group.get(0).tool().equals(bridge.tool()) ? bridge : ip;
    }

    private static List<String> lines(List<Change> group) {
        List<String> lines = new ArrayList<>(group.size());
        for (Change c : group) {
            lines.add(c.args());
        }
        return lines;
    }

    private static void collect(List<Change> group, List<String> outcomes, List<Failure> failures) {
        for (int k = 0; k < group.size(); k++) {
            if (outcomes.get(k) != null) {
                failures.add(new Failure(group.get(k), outcomes.get(k)));
            }
        }
    }

    /** Ends the batch processes (they also end by themselves when the agent exits and their stdin closes). */
    @Override
    public void close() {
        ip.close();
        bridge.close();
    }

    private String read(List<String> cmd) {
        Result r = run(cmd);
        if (r.code != 0) {
            throw new KernelException(String.join(" ", cmd) + " failed: " + r.out.trim(), "is iproute2 installed and are we root?");
        }
        return r.out.isBlank() ? "[]" : r.out;
    }

    private record Result(int code, String out) {
    }

    private static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new KernelException(String.join(" ", cmd) + " did not finish within 30s", null);
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KernelException("cannot run " + cmd.get(0) + ": " + e.getMessage(), "install iproute2 (apt-get install iproute2)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException("interrupted while running " + cmd.get(0), null, e);
        }
    }

    private static int num(Object o) {
        return o instanceof Long l ? l.intValue() : 0;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> flags(Map<String, Object> l) {
        return l.get("flags") instanceof List<?> f ? (List<Object>) f : List.of();
    }
}
