package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabTrace;
import dev.vxlab.orchestrator.trace.TraceReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "trace", mixinStandardHelpOptions = true, description = {
    "Follow one ping from the test container on SRC to the one on DST, hop by hop.",
    "Captures (tcpdump, bounded in time and packets) on both nodes' docker0, flannel.<VNI> and underlay interface while"
            + " one ping runs, decodes them (Ethernet, IPv4, UDP, VXLAN, the inner frame, ICMP) and shows each layer's"
            + " addresses, the route and FDB entry the kernel used, and the reply; a packet that does not arrive is named"
            + " where it was last seen, with the doctor rule that explains it.",
    "Exit codes: 0 the reply came; 1 no reply, or the lab is not up; 2 bad command line."})
final class Trace implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPEC|NAME", description = "the lab's spec file, or the name of a lab that is up")
    String lab;

    @Parameters(index = "1", paramLabel = "SRC", description = "the node whose test container pings")
    String src;

    @Parameters(index = "2", paramLabel = "DST", description = "the node whose test container is pinged")
    String dst;

    @Option(names = "--keep-pcap", paramLabel = "DIR", description = "keep the captures here as NODE-IFACE.pcap (and print the tshark line)")
    Path keep;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        TraceReport t = new LabTrace(common.context()).trace(lab, src, dst, keep);
        common.output().trace(t);
        return t.replied() ? Vxlab.OK : Vxlab.FAILED;
    }
}
