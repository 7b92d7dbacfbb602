package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.verify.PingMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code vxlab verify}: the container-to-container ping matrix of a lab that is up (and the last step of {@code up}). */
public final class LabVerify {
    private final LabContext context;

    public LabVerify(LabContext context) {
        this.context = context;
    }

    /** SPEC or NAME of a lab that is up. */
    public Verification verify(String specOrName, Report report) {
        return verify(specOrName, false, null, report);
    }

    /**
     * The matrix, with {@code mtu} also every pair's don't-fragment checks ({@link PingMatrix#mtu}); with {@code junit}
     * (null: none) the results written there as JUnit XML.
     */
    public Verification verify(String specOrName, boolean mtu, Path junit, Report report) {
        Lab lab = Lab.resolve(context.home(), specOrName);
        Verification v;
        try (Sessions shells = Sessions.open(lab.spec(), context.providers().machines(lab.spec(), lab.state()), Report.NONE)) {
            v = run(lab.spec(), shells, report);
            if (mtu) {
                report.step("mtu");
                v = new Verification(v.lab(), v.nodes(), v.containers(), v.rtt(), v.failed(), PingMatrix.mtu(shells.all(), v.containers()));
            }
        }
        if (junit != null) {
            try {
                Files.writeString(junit, JUnitXml.of(v));
            } catch (IOException e) {
                throw new VxlabException("cannot write " + junit + ": " + e.getMessage(), "give --junit a file in a directory that exists");
            }
        }
        return v;
    }

    /** A test container on every node at once, then the matrix. */
    Verification run(LabSpec spec, Sessions shells, Report report) {
        report.step("verify");
        Map<String, String> found = new ConcurrentHashMap<>();
        LabUp.forEachNode(spec, node -> found.put(node.name(), PingMatrix.ensureContainer(shells.get(node.name()), node.name())));
        Map<String, String> ips = new LinkedHashMap<>();
        shells.all().keySet().forEach(n -> ips.put(n, found.get(n)));
        PingMatrix.Result r = PingMatrix.run(shells.all(), ips);
        return new Verification(spec.name(), r.nodes(), r.containerIps(), r.rtt(), r.failed());
    }
}
