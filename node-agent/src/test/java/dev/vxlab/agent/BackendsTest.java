package dev.vxlab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxlab.agent.backend.DataPlane;
import dev.vxlab.agent.backend.FakeKernel;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.agent.lease.NetworkConfigException;
import dev.vxlab.core.lease.BackendType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BackendsTest {
    static final String KEY = "/coreos.com/network/config";

    static NetworkConfig fixture(String name) {
        try (InputStream in = BackendsTest.class.getResourceAsStream("/netconfig/" + name)) {
            return NetworkConfig.parse(KEY, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int containerMtu(NetworkConfig cfg, int externalMtu) {
        return new DataPlane(new FakeKernel("eth1"), cfg, Backends.create(cfg), false).containerMtu(externalMtu);
    }

    @Test
    void everyBackendTypeHasExactlyOneBackendOfThatType() {
        List<BackendType> registered = new ArrayList<>();
        for (Backends.Registration r : Backends.ALL) {
            registered.add(r.type());
            NetworkConfig cfg = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"" + r.type().wireName() + "\"}}");
            assertEquals(r.type(), Backends.create(cfg).type());
        }
        assertEquals(List.of(BackendType.values()), registered);
    }

    @Test
    void containerMtu() {
        assertEquals(1450, containerMtu(fixture("minimal.json"), 1500), "vxlan costs 50 bytes");
        assertEquals(8950, containerMtu(fixture("custom-vxlan.json"), 9000));
        assertEquals(1500, containerMtu(fixture("host-gw.json"), 1500), "host-gw costs nothing");
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        Executable parse = () -> NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"udp\"}}");
        NetworkConfigException e = assertThrows(NetworkConfigException.class, parse);
        assertEquals(true, e.getMessage().contains("Backend.Type \"udp\" is not supported; supported backends are [host-gw, vxlan]"),
                e.getMessage());
    }
}
