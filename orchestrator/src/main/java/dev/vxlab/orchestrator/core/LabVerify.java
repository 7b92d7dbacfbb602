package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.verify.PingMatrix;
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
        Lab lab = Lab.resolve(context.home(), specOrName);
        try (Sessions shells = Sessions.open(lab.spec(), context.providers().machines(lab.spec(), lab.state()), Report.NONE)) {
            return run(lab.spec(), shells, report);
        }
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
