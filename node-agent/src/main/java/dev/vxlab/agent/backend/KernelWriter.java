package dev.vxlab.agent.backend;

import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.kernel.KernelException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel as the data plane and the backends change it: reads go straight to {@link #kernel()}; every list
 * of changes is logged first under --explain (as its {@code ip}/{@code bridge} commands); {@link #mustApply}
 * is for the changes the agent cannot do without (the device), and throws when the kernel refuses one.
 */
public final class KernelWriter {
    private static final Logger log = LoggerFactory.getLogger(KernelWriter.class);

    private final Kernel kernel;
    private final boolean explain;

    public KernelWriter(Kernel kernel, boolean explain) {
        this.kernel = kernel;
        this.explain = explain;
    }

    public Kernel kernel() {
        return kernel;
    }

    /** Applies {@code changes} (each tried); returns the failures. */
    public List<Kernel.Failure> apply(List<Change> changes) {
        if (explain) {
            for (Change c : changes) {
                log.info("explain: {}", c.command());
            }
        }
        return kernel.apply(changes);
    }

    /** Applies {@code changes}; the first failure is a {@link KernelException}. */
    public void mustApply(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<Kernel.Failure> failures = apply(changes);
        if (!failures.isEmpty()) {
            Kernel.Failure f = failures.get(0);
            throw new KernelException("kernel refused: " + f.change().command() + ": " + f.error(),
                    "vxlabd needs root (CAP_NET_ADMIN) and a kernel with VXLAN support (modprobe vxlan)");
        }
    }
}
