package dev.vxlab.orchestrator.spec;

import dev.vxlab.orchestrator.spec.LabSpec.EtcdMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code etcd:}: where the lab's etcd runs and where flannel's keys live. The mode decides which fields mean
 * anything: {@code image} only where vxlab starts a container, {@code on} only where vxlab starts etcd at all,
 * {@code endpoints} and the TLS files only for an external etcd. A field given for a mode that would ignore it
 * is an error at that field (and reads as wrong), rather than being silently dropped.
 */
final class EtcdSection {
    static final List<String> KEYS = List.of("mode", "image", "prefix", "on", "members", "endpoints", "caFile", "certFile", "keyFile", "tls");
    static final int MAX_MEMBERS = EtcdCluster.MAX_MEMBERS;
    private static final String MAJORITY = "etcd needs a majority of its members to agree on every write, so %d members survive no more"
            + " failures than %d do; use 1 (no failure survived), 3 (one) or 5 (two)";

    private static final Set<EtcdMode> STARTED_BY_VXLAN = Set.of(EtcdMode.AUTO, EtcdMode.CONTAINER, EtcdMode.PROCESS);

    private final Problems problems;
    private final EtcdMode mode;
    private final Val<String> image;
    private final Val<String> prefix;
    private final Val<List<Val<String>>> on;
    private final Val<Integer> members;
    private final Val<List<Val<URI>>> endpoints;
    private final Val<Path> caFile;
    private final Val<Path> certFile;
    private final Val<Path> keyFile;
    private final Val<Boolean> tls;

    private EtcdSection(Section top, Values values) {
        this.problems = values.problems();
        Section etcd = top.section("etcd", KEYS);
        Val<EtcdMode> given = etcd.field("mode", SpecDefaults.ETCD_MODE, values.choice(EtcdMode.class));
        mode = given == null ? null : given.value();
        image = notFor(etcd, "image", Set.of(EtcdMode.PROCESS, EtcdMode.EXTERNAL), "mode: auto or container", SpecDefaults.ETCD_IMAGE,
                values.image(SpecDefaults.ETCD_IMAGE));
        prefix = etcd.field("prefix", SpecDefaults.ETCD_PREFIX, EtcdValues.prefix(values));
        on = notFor(etcd, "on", Set.of(EtcdMode.EXTERNAL), "mode: auto, container or process", null, onReader(values));
        members = notFor(etcd, "members", Set.of(EtcdMode.EXTERNAL), "mode: auto, container or process", 1, membersReader(values));
        if (on != null && on.given() && members != null && members.given()) {
            problems.at(members.node(), "etcd.members", "members is for an etcd on this machine; with etcd.on the members are the"
                    + " nodes listed there (" + on.value().size() + "), so give one or the other");
        }
        String externalOnly = "mode: external";
        endpoints = notFor(etcd, "endpoints", STARTED_BY_VXLAN, externalOnly, null, EtcdValues.endpoints(values));
        caFile = notFor(etcd, "caFile", STARTED_BY_VXLAN, externalOnly, null, values::file);
        certFile = notFor(etcd, "certFile", STARTED_BY_VXLAN, externalOnly, null, values::file);
        keyFile = notFor(etcd, "keyFile", STARTED_BY_VXLAN, externalOnly, null, values::file);
        // an external etcd's TLS is what its endpoints and files say; tls: switches the one vxlab starts
        tls = notFor(etcd, "tls", Set.of(EtcdMode.EXTERNAL), "an etcd vxlab starts (for mode: external, https endpoints and caFile,"
                + " certFile, keyFile say how to reach it)", null, values::bool);
        if (mode == EtcdMode.EXTERNAL) {
            external(etcd);
        }
    }

    static EtcdSection read(Section top, Values values) {
        return new EtcdSection(top, values);
    }

    /** etcd.on must name nodes of the lab: checked once the nodes resolved without a problem. */
    void checkOn(List<LabSpec.Node> nodes) {
        if (on == null || !on.given()) {
            return;
        }
        boolean list = on.node() instanceof SequenceNode;
        for (int i = 0; i < on.value().size(); i++) {
            Val<String> name = on.value().get(i);
            if (nodes.stream().noneMatch(x -> x.name().equals(name.value()))) {
                problems.at(name.node(), list ? "etcd.on[" + i + "]" : "etcd.on", Describe.quote(name.value())
                        + " is not a node of this lab; nodes are " + String.join(", ", nodes.stream().map(LabSpec.Node::name).toList()));
            }
        }
    }

    /** Only when nothing was recorded. */
    LabSpec.Etcd etcd() {
        List<String> onNodes = on.value() == null ? List.of() : on.value().stream().map(Val::value).toList();
        return new LabSpec.Etcd(mode, image.value(), prefix.value(), onNodes, onNodes.isEmpty() ? members.value() : onNodes.size(),
                endpoints.value() == null ? List.of() : endpoints.value().stream().map(Val::value).toList(),
                caFile.value(), certFile.value(), keyFile.value(), tls.value());
    }

    /** A field that only some modes use ({@code usedWith}): given with one of {@code wrongModes} it is an error. */
    private <T> Val<T> notFor(Section etcd, String key, Set<EtcdMode> wrongModes, String usedWith, T fallback, Reader<T> reader) {
        Node n = etcd.value(key);
        if (n != null && mode != null && wrongModes.contains(mode)) {
            String what = switch (mode) {
                case AUTO, CONTAINER -> "vxlab starts etcd itself";
                case PROCESS -> "vxlab runs the etcd binary itself";
                case EXTERNAL -> "vxlab starts no etcd";
            };
            problems.at(n, etcd.path(key), key + " is only for " + usedWith + "; with mode: " + mode.word() + " " + what
                    + " and would ignore it");
            return null;
        }
        return etcd.field(key, fallback, reader);
    }

    /** {@code on: kube1} or {@code on: [kube1, kube2, kube3]}: node names, each once, an odd count. */
    private Reader<List<Val<String>>> onReader(Values values) {
        Reader<String> name = values.name("node");
        return (n, path) -> {
            if (!(n instanceof SequenceNode seq)) {
                String one = name.read(n, path);
                return one == null ? null : List.of(new Val<>(one, n));
            }
            List<Val<String>> names = new ArrayList<>();
            boolean ok = true;
            boolean twice = false;
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                String one = name.read(item, path + "[" + i + "]");
                if (one == null) {
                    ok = false;
                } else if (names.stream().anyMatch(v -> v.value().equals(one))) {
                    // reported here; the names stay, so that an unknown one among them is reported too
                    problems.at(item, path + "[" + i + "]", Describe.quote(one) + " is listed twice; each node runs one etcd member");
                    twice = true;
                } else {
                    names.add(new Val<>(one, item));
                }
            }
            if (!ok) {
                return null;
            }
            if (twice) {
                return names;
            }
            if (names.isEmpty()) {
                problems.at(n, path, "the list is empty; name the node (on: kube1) or three nodes (on: [kube1, kube2, kube3]),"
                        + " or leave etcd.on out to run etcd on this machine");
                return null;
            }
            if (!countProblem(names.size()).isEmpty()) {
                problems.at(n, path, names.size() + " nodes: " + countProblem(names.size()));
                return null;
            }
            return names;
        };
    }

    /** {@code members: 3}: how many etcd members run on this machine (1, 3 or 5). */
    private Reader<Integer> membersReader(Values values) {
        String what = "the number of etcd members: 1, 3 or 5";
        return (n, path) -> {
            Long count = values.integer(n, path, what);
            if (count == null) {
                return null;
            }
            if (count < 1 || count > MAX_MEMBERS) {
                problems.at(n, path, "expected " + what + ", got " + count);
                return null;
            }
            String problem = countProblem(count.intValue());
            if (!problem.isEmpty()) {
                problems.at(n, path, count + " members: " + problem);
                return null;
            }
            return count.intValue();
        };
    }

    /** Why a member count is wrong ("" when it is right). */
    static String countProblem(int count) {
        if (count > MAX_MEMBERS) {
            return "more than " + MAX_MEMBERS + " etcd members only slow every write down; use 3 or 5";
        }
        return count % 2 == 0 ? String.format(MAJORITY, count, count - 1) : "";
    }

    /** The rules of mode: external: endpoints given and not empty, a CA for https, a certificate with its key. */
    private void external(Section etcd) {
        if (endpoints != null) {
            if (!endpoints.given()) {
                problems.at(etcd.anchor(), "etcd.endpoints", "required with mode: external; list etcd's client URLs,"
                        + " such as endpoints: [http://192.168.56.1:2379]");
            } else if (endpoints.value().isEmpty()) {
                problems.at(endpoints.node(), "etcd.endpoints",
                        "the list is empty; mode: external needs at least one etcd client URL");
            } else if (caFile != null && !caFile.given()) {
                endpoints.value().stream().filter(e -> e.value().getScheme().equals("https")).findFirst().ifPresent(e ->
                        problems.at(e.node(), "etcd.endpoints[" + endpoints.value().indexOf(e) + "]", "an https endpoint needs"
                                + " etcd.caFile, the CA certificate that signed etcd's server certificate"));
            }
        }
        if (certFile != null && keyFile != null && certFile.given() != keyFile.given()) {
            Val<Path> given = certFile.given() ? certFile : keyFile;
            String has = certFile.given() ? "certFile" : "keyFile";
            String lacks = certFile.given() ? "keyFile" : "certFile";
            problems.at(given.node(), "etcd." + has, has + " needs " + lacks + " too: a client certificate and its key go together");
        }
    }
}
