package dev.vxlab.orchestrator.spec;

import dev.vxlab.orchestrator.spec.LabSpec.EtcdMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code etcd:}: where the lab's etcd runs and where flannel's keys live. The mode decides which fields mean
 * anything: {@code image} only where vxlab starts a container, {@code on} only where vxlab starts etcd at all,
 * {@code endpoints} and the TLS files only for an external etcd. A field given for a mode that would ignore it
 * is an error at that field (and reads as wrong), rather than being silently dropped.
 */
final class EtcdSection {
    static final List<String> KEYS = List.of("mode", "image", "prefix", "on", "endpoints", "caFile", "certFile", "keyFile");

    private static final Set<EtcdMode> STARTED_BY_VXLAN = Set.of(EtcdMode.AUTO, EtcdMode.CONTAINER, EtcdMode.PROCESS);

    private final Problems problems;
    private final EtcdMode mode;
    private final Val<String> image;
    private final Val<String> prefix;
    private final Val<String> on;
    private final Val<List<Val<URI>>> endpoints;
    private final Val<Path> caFile;
    private final Val<Path> certFile;
    private final Val<Path> keyFile;

    private EtcdSection(Section top, Values values) {
        this.problems = values.problems();
        Section etcd = top.section("etcd", KEYS);
        Val<EtcdMode> given = etcd.field("mode", SpecDefaults.ETCD_MODE, values.choice(EtcdMode.class));
        mode = given == null ? null : given.value();
        image = notFor(etcd, "image", Set.of(EtcdMode.PROCESS, EtcdMode.EXTERNAL), "mode: auto or container", SpecDefaults.ETCD_IMAGE,
                values.image(SpecDefaults.ETCD_IMAGE));
        prefix = etcd.field("prefix", SpecDefaults.ETCD_PREFIX, EtcdValues.prefix(values));
        on = notFor(etcd, "on", Set.of(EtcdMode.EXTERNAL), "mode: auto, container or process", null, values.name("node"));
        String externalOnly = "mode: external";
        endpoints = notFor(etcd, "endpoints", STARTED_BY_VXLAN, externalOnly, null, EtcdValues.endpoints(values));
        caFile = notFor(etcd, "caFile", STARTED_BY_VXLAN, externalOnly, null, values::file);
        certFile = notFor(etcd, "certFile", STARTED_BY_VXLAN, externalOnly, null, values::file);
        keyFile = notFor(etcd, "keyFile", STARTED_BY_VXLAN, externalOnly, null, values::file);
        if (mode == EtcdMode.EXTERNAL) {
            external(etcd);
        }
    }

    static EtcdSection read(Section top, Values values) {
        return new EtcdSection(top, values);
    }

    /** etcd.on must name a node of the lab: checked once the nodes resolved without a problem. */
    void checkOn(List<LabSpec.Node> nodes) {
        if (on != null && on.given() && nodes.stream().noneMatch(x -> x.name().equals(on.value()))) {
            problems.at(on.node(), "etcd.on", Describe.quote(on.value()) + " is not a node of this lab; nodes are "
                    + String.join(", ", nodes.stream().map(LabSpec.Node::name).toList()));
        }
    }

    /** Only when nothing was recorded. */
    LabSpec.Etcd etcd() {
        return new LabSpec.Etcd(mode, image.value(), prefix.value(), on.value(),
                endpoints.value() == null ? List.of() : endpoints.value().stream().map(Val::value).toList(),
                caFile.value(), certFile.value(), keyFile.value());
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
