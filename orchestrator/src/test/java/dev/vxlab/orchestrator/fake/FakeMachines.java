package dev.vxlab.orchestrator.fake;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A provider, written by hand: its nodes are {@link FakeNode}s (kube1..3, lease 10.244.N.1/24), made by nothing;
 * preflight, up, connect and down go to the shared {@link Events} ("machines up", "connect kube1"). Hooks run at
 * preflight and up to check what the lab's state holds at that moment.
 */
public final class FakeMachines implements Machines {
    private final Events events;
    public final Map<String, FakeNode> nodes = new LinkedHashMap<>();
    public boolean owns = true;
    public boolean sharesPrograms;
    public boolean namedAfterNodes;
    public Ip4 hostAddress = Ip4.parse("192.168.90.1");
    public Runnable atPreflight = () -> { };
    public Runnable atUp = () -> { };
    /** What down says it could not remove (a node that did not answer). */
    public List<Left> left = List.of();

    public FakeMachines(Events events) {
        this.events = events;
        for (int i = 1; i <= 3; i++) {
            nodes.put("kube" + i, new FakeNode("kube" + i, i, events));
        }
    }

    public FakeNode node(String name) {
        return nodes.get(name);
    }

    @Override
    public void preflight() {
        events.add("machines preflight");
        atPreflight.run();
    }

    @Override
    public void up(Consumer<String> progress) {
        events.add("machines up");
        atUp.run();
        nodes.keySet().forEach(n -> progress.accept(n + " up"));
    }

    @Override
    public SshjShell.Target target(LabSpec.Node node) {
        return new SshjShell.Target(node.ip().toString(), 22, "root", Path.of("/fake/id"), Path.of("/fake/known_hosts"));
    }

    @Override
    public void checkReach(SshjShell.Target target) {
    }

    @Override
    public Ip4 hostAddress() {
        return hostAddress;
    }

    @Override
    public List<Left> down() {
        events.add("machines down");
        return left;
    }

    @Override
    public boolean ownsMachines() {
        return owns;
    }

    @Override
    public boolean namesMachinesAfterNodes() {
        return namedAfterNodes;
    }

    @Override
    public boolean sharesThisMachinesPrograms() {
        return sharesPrograms;
    }

    @Override
    public RemoteShell connect(LabSpec.Node node) {
        events.add("connect " + node.name());
        return nodes.get(node.name());
    }
}
