package dev.vxlab.agent.lease.etcd;

import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.SubnetKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** etcd's key-values under the prefix as leases and lease events, the same whichever way they were read (gateway or gRPC). */
final class LeaseRecords {
    private static final Logger log = LoggerFactory.getLogger(LeaseRecords.class);

    private LeaseRecords() {
    }

    /** The lease at {@code key}, or empty for a key that is not a subnet or a malformed value (logged, skipped). */
    static Optional<Lease> decode(String prefix, String key, String value, long etcdLease, long createRevision, long modRevision) {
        try {
            return Lease.decode(prefix, key, value, etcdLease, createRevision, modRevision);
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring malformed lease at {}: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    /** One watch message's events as lease events, handed to {@code listener} unless none is about a lease. */
    static void deliver(String prefix, List<WatchMessage.Event> events, SubnetRegistry.LeaseListener listener) {
        List<SubnetRegistry.LeaseEvent> out = new ArrayList<>(events.size());
        for (WatchMessage.Event e : events) {
            if (e.deleted()) {
                SubnetKey.parse(prefix, e.key()).ifPresent(s -> out.add(new SubnetRegistry.LeaseEvent(s, null, e.modRevision())));
            } else {
                decode(prefix, e.key(), e.value(), e.lease(), e.createRevision(), e.modRevision())
                        .ifPresent(l -> out.add(new SubnetRegistry.LeaseEvent(l.subnet(), l, e.modRevision())));
            }
        }
        if (!out.isEmpty()) {
            listener.onChange(out);
        }
    }
}
