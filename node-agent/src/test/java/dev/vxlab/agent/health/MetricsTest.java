package dev.vxlab.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)(\\{le=\"([^\"]+)\"})? (\\S+)");
    private static final String HIST = "vxlabd_event_to_kernel_seconds";

    final Metrics metrics = new Metrics();

    /** The sample lines of the Prometheus text, "name{labels}" to value, in order. */
    static Map<String, String> samples(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample line: " + line);
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), m.group(4));
        }
        return out;
    }

    static List<String[]> buckets(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(HIST + "_bucket")) {
                out.add(new String[] {m.group(3), m.group(4)});
            }
        }
        return out;
    }

    @Test
    void everyFamilyHasHelpAndTypeBeforeItsSamples() {
        String text = metrics.render();
        assertTrue(text.endsWith("\n"));
        Map<String, String> types = new LinkedHashMap<>();
        List<String> helped = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] w = line.split(" ", 4);
                assertTrue(w.length == 4 && !w[3].isBlank(), "HELP without text: " + line);
                helped.add(w[2]);
            } else if (line.startsWith("# TYPE ")) {
                String[] w = line.split(" ");
                assertEquals(4, w.length, line);
                assertTrue(helped.contains(w[2]), "TYPE before HELP: " + line);
                types.put(w[2], w[3]);
            } else {
                String name = line.split("[{ ]")[0];
                String family = types.containsKey(name) ? name : name.replaceAll("_(bucket|sum|count)$", "");
                assertTrue(types.containsKey(family), "sample without TYPE: " + line);
            }
        }
        assertEquals(Map.of(
                "vxlabd_peers_programmed", "gauge",
                "vxlabd_lease_expiry_timestamp_seconds", "gauge",
                "vxlabd_lease_events_total", "counter",
                "vxlabd_etcd_errors_total", "counter",
                "vxlabd_kernel_changes_total", "counter",
                HIST, "histogram"), types);
        assertTrue(text.contains("# HELP vxlabd_peers_programmed Remote subnets with kernel entries programmed.\n"
                + "# TYPE vxlabd_peers_programmed gauge\nvxlabd_peers_programmed 0\n"), text);
    }

    @Test
    void gaugesAndCounters() {
        metrics.peers(5);
        metrics.peers(3);
        metrics.leaseExpiry(1_767_225_600L);
        metrics.eventsHandled(2);
        metrics.eventsHandled(3);
        metrics.etcdError();
        metrics.etcdError();
        metrics.kernelChanges(6);
        metrics.kernelChanges(0);

        Map<String, String> s = samples(metrics.render());

        assertEquals("3", s.get("vxlabd_peers_programmed"), "a gauge is set, not added");
        assertEquals("1767225600", s.get("vxlabd_lease_expiry_timestamp_seconds"));
        assertEquals("5", s.get("vxlabd_lease_events_total"));
        assertEquals("2", s.get("vxlabd_etcd_errors_total"));
        assertEquals("6", s.get("vxlabd_kernel_changes_total"));
    }

    @Test
    void anEmptyHistogram() {
        Map<String, String> s = samples(metrics.render());
        for (String[] b : buckets(metrics.render())) {
            assertEquals("0", b[1], "bucket le=" + b[0]);
        }
        assertEquals(0.0, Double.parseDouble(s.get(HIST + "_sum")));
        assertEquals("0", s.get(HIST + "_count"));
    }

    @Test
    void histogramBucketsAreCumulativeAndInfEqualsTheCount() {
        metrics.eventToKernel(300_000L);         // 0.3 ms
        metrics.eventToKernel(1_000_000L);       // 1 ms: exactly on the le="0.001" bound, which is inclusive
        metrics.eventToKernel(3_000_000L);       // 3 ms
        metrics.eventToKernel(200_000_000L);     // 200 ms
        metrics.eventToKernel(5_000_000_000L);   // 5 s: above every finite bound

        String text = metrics.render();
        List<String[]> b = buckets(text);
        Map<String, String> s = samples(text);

        List<String> les = b.stream().map(x -> x[0]).toList();
        assertEquals(List.of("0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf"), les);
        List<String> counts = b.stream().map(x -> x[1]).toList();
        assertEquals(List.of("2", "2", "3", "3", "3", "3", "3", "4", "4", "4", "4", "5"), counts);
        for (int i = 1; i < b.size(); i++) {
            assertTrue(Long.parseLong(b.get(i)[1]) >= Long.parseLong(b.get(i - 1)[1]), "buckets never decrease");
        }
        assertEquals("5", s.get(HIST + "_count"));
        assertEquals(s.get(HIST + "_count"), s.get(HIST + "_bucket{le=\"+Inf\"}"));
        assertEquals(5.2043, Double.parseDouble(s.get(HIST + "_sum")), 1e-9);
    }
}
