package dev.vxlab.orchestrator.trace;

import dev.vxlab.orchestrator.VxlabException;

/**
 * A capture file that cannot be read: too short, not pcap, another link type, cut mid-packet. The message says
 * where ("pcap truncated at byte 244: packet 2 says 148 bytes, 40 remain"), never a Java class name.
 */
public final class PcapException extends VxlabException {
    public PcapException(String file, String problem) {
        super(file + ": " + problem, "tcpdump -w writes pcap with link type Ethernet; a file copied before tcpdump stopped may be cut short");
    }
}
