package dev.vxlab.orchestrator.doctor;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Facts recorded from real labs (src/test/resources/doctor/&lt;lab&gt;/: each node's gather.sh output and etcd's
 * keys with their TTLs), loaded as the doctor would have gathered them, with optional edits: one fault each.
 * Public for the graph's tests, which draw the same recorded labs.
 */
public final class Fixtures {
    final LabSpec spec;
    final Map<String, String> nodeText = new LinkedHashMap<>();
    final Map<String, String> unreachable = new LinkedHashMap<>();
    String etcdJson;

    private Fixtures(String dir) {
        // the spec the lab was recorded with (a copy of labs/SPEC as it was then: the facts hold its addresses)
        spec = SpecLoader.load(resourcePath("/doctor/" + dir + "/spec.yaml"));
        for (LabSpec.Node n : spec.nodes()) {
            nodeText.put(n.name(), read("/doctor/" + dir + "/" + n.name() + ".txt"));
        }
        etcdJson = read("/doctor/" + dir + "/etcd.json");
    }

    /** The quickstart lab, healthy: kube1 10.244.134.0/24, kube2 10.244.6.0/24, kube3 10.244.164.0/24. */
    public static Fixtures healthy() {
        return new Fixtures("healthy");
    }

    /** The Vagrant trap: agents on eth0 (10.0.2.15); kube2 got the lease, kube1 and kube3 refused. */
    static Fixtures trap() {
        return new Fixtures("trap");
    }

    Fixtures node(String node, UnaryOperator<String> edit) {
        String before = nodeText.get(node);
        String after = edit.apply(before);
        if (after.equals(before)) {
            throw new AssertionError("the edit changed nothing in " + node + "'s facts");
        }
        nodeText.put(node, after);
        return this;
    }

    Fixtures replace(String node, String from, String to) {
        return node(node, t -> t.replace(from, to));
    }

    /** etcd's facts from another recording's etcd.json, the nodes' unchanged. */
    Fixtures etcdFrom(String dir) {
        etcdJson = read("/doctor/" + dir + "/etcd.json");
        return this;
    }

    Fixtures etcd(UnaryOperator<String> edit) {
        String after = edit.apply(etcdJson);
        if (after.equals(etcdJson)) {
            throw new AssertionError("the edit changed nothing in etcd's facts");
        }
        etcdJson = after;
        return this;
    }

    Fixtures unreachable(String node, String why) {
        unreachable.put(node, why);
        return this;
    }

    @SuppressWarnings("unchecked")
    public LabFacts facts() {
        Map<String, NodeFacts> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : nodeText.entrySet()) {
            nodes.put(e.getKey(), unreachable.containsKey(e.getKey()) ? NodeFacts.unreachable(e.getKey(), unreachable.get(e.getKey()))
                    : FactsParser.parse(e.getKey(), e.getValue()));
        }
        Map<String, Object> etcd = Json.parseObject(etcdJson);
        List<EtcdFacts.LeaseFact> leases = new ArrayList<>();
        for (Object o : (List<Object>) etcd.get("leases")) {
            Map<String, Object> l = (Map<String, Object>) o;
            Long ttl = l.get("ttl") instanceof Long t ? t : null;
            leases.add(EtcdFacts.LeaseFact.of(spec.etcd().prefix(), (String) l.get("key"), (String) l.get("value"), ttl));
        }
        return new LabFacts(spec, nodes, new EtcdFacts("http://192.168.56.1:2379", null, (String) etcd.get("config"), leases));
    }

    static Path resourcePath(String resource) {
        try {
            return Path.of(Fixtures.class.getResource(resource).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new AssertionError("no fixture " + resource);
        }
    }

    static String read(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
