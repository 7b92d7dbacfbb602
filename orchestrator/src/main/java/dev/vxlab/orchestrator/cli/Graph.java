package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.BadInputException;
import dev.vxlab.orchestrator.core.LabGraph;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "graph", mixinStandardHelpOptions = true, description = {
    "Draw a lab's topology: each node's hostname, eth0 and eth1 addresses, subnet, VTEP MAC and agent; the underlay,"
            + " the NAT network, and etcd with where it runs.",
    "A lab that is up is drawn live (addresses from the nodes, subnets as etcd leases them); a spec that is not up as"
            + " planned (addresses from the spec, subnets not leased yet).",
    "SVG needs Graphviz's dot (apt-get install graphviz); DOT needs nothing."})
final class Graph implements Callable<Integer> {
    @Mixin
    LabArg lab = new LabArg();

    @Option(names = "--format", paramLabel = "svg|dot", description = "svg (through Graphviz's dot) or dot (the DOT text);"
            + " default: svg when dot is installed, else dot")
    LabGraph.Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "write the drawing to FILE (default: stdout)")
    Path out;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        if (common.json) {
            throw new BadInputException("graph prints a drawing, not JSON", "--format dot gives the drawing as text");
        }
        Output output = common.output();
        LabGraph.Drawing d = new LabGraph(common.context()).draw(lab.lab, format, out);
        output.drawing(d.text(), out != null, d.note());
        return Vxlab.OK;
    }
}
