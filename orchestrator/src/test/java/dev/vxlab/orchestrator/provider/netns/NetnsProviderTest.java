package dev.vxlab.orchestrator.provider.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeHost;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netns provider's checks and its down, with this machine faked: nothing is contacted whose route leads
 * elsewhere, an underlay already in use is refused, and down removes exactly the namespaces, link and processes the
 * state recorded — the nodes' processes before etcd.
 */
class NetnsProviderTest {
    @TempDir
    Path dir;

    final Events events = new Events();
    final FakeHost host = new FakeHost(events);

    NetnsProvider provider() {
        return new NetnsProvider(Specs.load(dir, "nslab", "netns"), LabState.load(dir.resolve("state"), "nslab"), host, s -> { });
    }

    @Test
    void anUnderlayThatThisMachineAlreadyRoutesIsRefusedAndNothingIsMade() {
        host.on("route show to match 192.168.90.1", new Host.Result(0, "192.168.90.0/24 dev wlan0 proto kernel scope link src 192.168.90.7\n"));
        VxlabException e = assertThrows(VxlabException.class, () -> provider().preflight());
        assertTrue(e.getMessage().startsWith("underlay 192.168.90.0/24 is already routed on this machine (192.168.90.0/24 dev wlan0"), e.getMessage());
        assertEquals(List.of(), events.all().stream().filter(l -> !l.contains("route show")).toList());
    }

    @Test
    void theLabsOwnRouteAndTheDefaultRoutePassPreflight() {
        String link = new NetnsNames("nslab").rootLink();
        host.on("route show to match", new Host.Result(0, "default via 10.0.0.1 dev eth0\n192.168.90.0/24 dev " + link + " proto kernel\n"));
        provider().preflight();
    }

    @Test
    void aNodeWhoseRouteDoesNotLeadIntoTheLabIsNotContacted() {
        host.on("route get 192.168.90.11", new Host.Result(0, "192.168.90.11 via 10.0.0.1 dev eth0 src 10.0.0.5\n"));
        VxlabException e = assertThrows(VxlabException.class, () -> provider().checkRoute(Ip4.parse("192.168.90.11")));
        assertTrue(e.getMessage().startsWith("refusing to contact 192.168.90.11: the route to it does not lead into lab nslab"), e.getMessage());
        assertTrue(e.getMessage().endsWith("nothing was sent"), e.getMessage());
    }

    @Test
    void downRemovesWhatTheStateRecordedNodesBeforeEtcdAndForgetsIt() {
        LabState state = LabState.load(dir.resolve("state"), "nslab");
        state.add("namespaces", "vx-nslab-sw");
        state.add("namespaces", "vx-nslab-n-kube1");
        state.add("rootLinks", "vxh0badf00");
        state.pid("sshd/kube1", 4101L);
        state.pid("etcd", 4100L);
        host.on("ip netns pids vx-nslab-n-kube1", new Host.Result(0, "4201\n4202\n"));

        NetnsProvider.down(state, host, s -> { });

        List<String> e = events.all();
        assertEquals(List.of("host run ip netns pids vx-nslab-sw", "host run ip netns pids vx-nslab-n-kube1", "host stop [4201, 4202, 4101]",
                "host stop [4100]", "host run ip netns del vx-nslab-sw", "host run ip netns del vx-nslab-n-kube1",
                "host run ip link del vxh0badf00"), e);
        LabState after = LabState.load(dir.resolve("state"), "nslab");
        assertEquals(List.of(), after.list("namespaces"));
        assertEquals(List.of(), after.list("rootLinks"));
        assertEquals(0, after.pids().size());
    }
}
