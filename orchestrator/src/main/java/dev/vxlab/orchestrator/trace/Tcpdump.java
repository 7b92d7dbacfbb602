package dev.vxlab.orchestrator.trace;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capture commands run on a node, and what their output means. Captures are bounded twice — in time
 * ({@code timeout}) and in packets ({@code -c}) — so a trace that is interrupted leaves nothing running for
 * long; they are stopped by the pids they wrote, never by name (a netns node shares this machine's pids).
 * {@code --immediate-mode}: without it libpcap hands packets over in blocks (TPACKET_V3, up to a second
 * late), and a capture stopped right after the ping has none. {@code -Z root}: Debian's tcpdump otherwise drops
 * to user tcpdump before it opens the file, in a directory only root may write. There is no get on a
 * RemoteShell: the files come back as base64 on stdout.
 */
public final class Tcpdump {
    /** Seconds a capture may live at most; the ping itself waits 2 s for its reply. */
    public static final int MAX_SECONDS = 10;
    /** Packets a capture keeps at most: a ping is 2 per interface. */
    public static final int MAX_PACKETS = 20;
    static final String DIR_PREFIX = "/tmp/vxlab-trace.";

    private Tcpdump() {
    }

    /** What one interface's capture gave: the file's bytes (null: none was written) and tcpdump's last words. */
    public record Taken(String iface, byte[] pcap, String log) {
    }

    /** The capture filter: the ping itself on the bridge and VXLAN device, UDP (the encapsulated ping) and ICMP on the underlay. */
    static String filter(String iface, String underlay) {
        return iface.equals(underlay) ? "udp or icmp" : "icmp";
    }

    /**
     * Starts one capture per interface in a fresh directory and waits (up to 5 s) until each is listening or has
     * ended; prints the directory on its last line, and one "IFACE listening" or "IFACE failed: ..." line each.
     */
    public static String start(List<String> ifaces, String underlay) {
        StringBuilder s = new StringBuilder("export PATH=\"$PATH:/usr/sbin:/sbin\"; ")
                .append("command -v tcpdump >/dev/null || { echo 'tcpdump is not installed' >&2; exit 3; }; ")
                .append("d=$(mktemp -d ").append(DIR_PREFIX).append("XXXXXX) || exit 1; ");
        for (String i : ifaces) {
            String q = quote(i);
            s.append("setsid timeout ").append(MAX_SECONDS).append(" tcpdump -Z root -U --immediate-mode -n -c ").append(MAX_PACKETS)
                    .append(" -w \"$d/\"").append(q).append(".pcap -i ").append(q).append(' ').append(quote(filter(i, underlay)))
                    .append(" </dev/null >/dev/null 2>\"$d/\"").append(q).append(".log & echo $! >\"$d/\"").append(q).append(".pid; ");
        }
        s.append("for k in $(seq 50); do n=0; for i in ").append(words(ifaces)).append("; do ")
                .append("if grep -q 'listening on' \"$d/$i.log\" || ! kill -0 $(cat \"$d/$i.pid\") 2>/dev/null; then n=$((n+1)); fi; done; ")
                .append("[ $n = ").append(ifaces.size()).append(" ] && break; sleep 0.1; done; ")
                .append("for i in ").append(words(ifaces)).append("; do if grep -q 'listening on' \"$d/$i.log\"; then echo \"$i listening\"; ")
                .append("else echo \"$i failed: $(tr '\\n' ' ' <\"$d/$i.log\")\"; fi; done; echo \"$d\"");
        return s.toString();
    }

    /** The directory {@link #start}'s output names (its last line), or null when it names none. */
    public static String directory(String startOutput) {
        List<String> lines = startOutput.strip().lines().toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        return last.startsWith(DIR_PREFIX) && last.matches("[\\w./-]+") ? last : null;
    }

    /**
     * Interrupts the captures by their own pids, waits for them (up to 3 s), prints each file as base64, removes the
     * directory. A capture counts as ended once its process is gone or a zombie: it was started by an SSH session
     * that has ended, so its parent is whatever reaps orphans, which may take a second ({@code kill -0} still
     * answers for a zombie; a trace waited a whole second on each node for nothing).
     */
    public static String stop(String dir, List<String> ifaces) {
        String d = quote(dir);
        return "d=" + d + "; for i in " + words(ifaces) + "; do p=$(cat \"$d/$i.pid\" 2>/dev/null) && kill -INT \"$p\" 2>/dev/null; done; "
                + "for k in $(seq 60); do alive=0; for i in " + words(ifaces) + "; do p=$(cat \"$d/$i.pid\" 2>/dev/null) && "
                + "[ -r \"/proc/$p/status\" ] && ! grep -q '^State:[[:space:]]*Z' \"/proc/$p/status\" && alive=1; done; "
                + "[ $alive = 0 ] && break; sleep 0.05; done; "
                + "for i in " + words(ifaces) + "; do echo \"### $i\"; tail -n 4 \"$d/$i.log\" 2>/dev/null | sed 's/^/# /'; "
                + "if [ -f \"$d/$i.pcap\" ]; then base64 -w0 \"$d/$i.pcap\"; echo; fi; done; rm -rf \"$d\"";
    }

    /** {@link #stop}'s output: per interface the capture's bytes and log. */
    public static Map<String, Taken> parseStop(String output) {
        Map<String, Taken> out = new LinkedHashMap<>();
        String iface = null;
        List<String> log = new ArrayList<>();
        StringBuilder b64 = new StringBuilder();
        for (String line : (output + "\n### ").split("\n", -1)) {
            if (line.startsWith("### ")) {
                if (iface != null) {
                    out.put(iface, new Taken(iface, b64.isEmpty() ? null : decode(b64.toString()), String.join("\n", log)));
                }
                iface = line.substring(4).strip();
                log.clear();
                b64.setLength(0);
            } else if (line.startsWith("# ")) {
                log.add(line.substring(2));
            } else {
                b64.append(line.strip());
            }
        }
        return out;
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String words(List<String> ifaces) {
        return String.join(" ", ifaces.stream().map(Tcpdump::quote).toList());
    }

    /** Interface names and the capture directory are [\w./-]; anything else is quoted for the shell. */
    private static String quote(String s) {
        return s.matches("[\\w./-]+") ? s : "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
