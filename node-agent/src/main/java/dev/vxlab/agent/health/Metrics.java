package dev.vxlab.agent.health;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The agent's counters and gauges, served as Prometheus text on /metrics: peers programmed, lease expiry,
 * lease events handled, etcd errors, and a histogram of the time from a lease event's arrival to its kernel
 * change.
 */
public final class Metrics {
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    private final AtomicLong peers = new AtomicLong();
    private final AtomicLong leaseExpiryEpochSeconds = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong etcdErrors = new AtomicLong();
    private final AtomicLong kernelChanges = new AtomicLong();
    private final AtomicLongArray bucketCounts = new AtomicLongArray(BUCKETS.length);
    private final AtomicLong latencyCount = new AtomicLong();
    private final AtomicLong latencySumNanos = new AtomicLong();

    public void peers(int n) {
        peers.set(n);
    }

    public void leaseExpiry(long epochSeconds) {
        leaseExpiryEpochSeconds.set(epochSeconds);
    }

    public void eventsHandled(int n) {
        events.addAndGet(n);
    }

    public void etcdError() {
        etcdErrors.incrementAndGet();
    }

    public void kernelChanges(int n) {
        kernelChanges.addAndGet(n);
    }

    public void eventToKernel(long nanos) {
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                bucketCounts.incrementAndGet(i);
            }
        }
        latencyCount.incrementAndGet();
        latencySumNanos.addAndGet(nanos);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        gauge(sb, "vxlabd_peers_programmed", "Remote subnets with kernel entries programmed.", peers.get());
        gauge(sb, "vxlabd_lease_expiry_timestamp_seconds", "When this node's subnet lease expires unless renewed (Unix time).",
                leaseExpiryEpochSeconds.get());
        counter(sb, "vxlabd_lease_events_total", "Lease events received from the etcd watch.", events.get());
        counter(sb, "vxlabd_etcd_errors_total", "etcd requests that failed or timed out.", etcdErrors.get());
        counter(sb, "vxlabd_kernel_changes_total", "Neighbour, FDB, route and device changes applied.", kernelChanges.get());
        sb.append("# HELP vxlabd_event_to_kernel_seconds Time from a lease event's arrival to its kernel change.\n");
        sb.append("# TYPE vxlabd_event_to_kernel_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            sb.append("vxlabd_event_to_kernel_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(bucketCounts.get(i)).append('\n');
        }
        sb.append("vxlabd_event_to_kernel_seconds_bucket{le=\"+Inf\"} ").append(latencyCount.get()).append('\n');
        sb.append("vxlabd_event_to_kernel_seconds_sum ").append(latencySumNanos.get() / 1e9).append('\n');
        sb.append("vxlabd_event_to_kernel_seconds_count ").append(latencyCount.get()).append('\n');
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(v).append('\n');
    }
}
