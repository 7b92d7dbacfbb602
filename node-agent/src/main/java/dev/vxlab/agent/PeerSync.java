package dev.vxlab.agent;

import dev.vxlab.agent.backend.DataPlane;
import dev.vxlab.agent.backend.Planner;
import dev.vxlab.agent.health.Metrics;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.net.Ip4Net;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers' side of the loop: every lease in etcd, mirrored into the kernel. A resync lists the leases,
 * converges the kernel to them and watches from the list's revision + 1; the watch's thread only queues events
 * ({@link WatchInbox}) and wakes the loop, which folds them into the known leases and converges again. A watch
 * that ends asks for a resync; a change to this node's own key asks the loop for a lease check at once.
 * All kernel work happens on the loop's thread.
 */
final class PeerSync implements Waits.Work {
    private static final Logger log = LoggerFactory.getLogger(PeerSync.class);

    private final SubnetRegistry registry;
    private final DataPlane plane;
    private final Metrics metrics;
    private final Waits waits;
    private final WatchInbox inbox = new WatchInbox();
    private final Map<Ip4Net, Lease> known = new ConcurrentHashMap<>(); // read by the watch thread too
    private final AtomicBoolean checkRequested = new AtomicBoolean();
    private final AtomicBoolean watchBroken = new AtomicBoolean();
    private boolean needResync; // the last resync did not reach etcd, or etcd was unreachable since (loop thread only)
    private long lastWatchStart; // Waits.nanoTime() of the last startWatch (loop thread only); 0: none yet
    private AutoCloseable watch;

    PeerSync(SubnetRegistry registry, DataPlane plane, Metrics metrics, Waits waits) {
        this.registry = registry;
        this.plane = plane;
        this.metrics = metrics;
        this.waits = waits;
    }

    /** Work for the loop: queued events, a requested lease check, a broken watch. */
    @Override
    public boolean pending() {
        return checkRequested.get() || watchBroken.get() || !inbox.isEmpty();
    }

    /** Whether the watch asked for a lease check since the last call (this node's key changed); clears the request. */
    boolean takeCheckRequest() {
        return checkRequested.getAndSet(false);
    }

    /** Whether a resync is due: the last one failed, etcd was unreachable since, or the watch ended. */
    boolean resyncDue() {
        return needResync || watchBroken.get();
    }

    /** Makes the next loop iteration resync (the device was re-created without its entries). */
    void requireResync() {
        needResync = true;
    }

    /**
     * etcd did not answer: the watch may sit on a connection that died without a word (etcd's host gone), so list
     * and watch afresh once etcd answers again. A watch that did report its end is covered by that too: left set,
     * its flag would wake the loop at once and skip the backoff (a retry per failed call).
     */
    void resyncAfterOutage() {
        needResync = true;
        watchBroken.set(false);
    }

    /**
     * Lists every lease, converges the kernel to them (reading the kernel's entries back), and restarts the
     * watch from the list's revision + 1 so that no event between the list and the watch is lost.
     * Returns false when etcd could not be reached (a resync stays due).
     */
    boolean resync(Planner.Self self) {
        closeWatch();
        long tag = inbox.open(); // before the list: what the old watch still delivers is older than the list
        watchBroken.set(false);
        SubnetRegistry.Snapshot snap;
        try {
            snap = registry.leases();
        } catch (RegistryUnavailableException e) {
            metrics.etcdError();
            log.warn("Cannot list leases for a resync ({}); will retry", e.getMessage());
            needResync = true;
            return false;
        }
        known.clear();
        snap.leases().forEach(l -> known.put(l.subnet(), l));
        metrics.kernelChanges(plane.sync(self, known.values(), true));
        metrics.peers(plane.peerCount());
        startWatch(snap.revision() + 1, self, tag);
        needResync = false;
        return true;
    }

    /** Re-reads the kernel and converges it to the known leases (repairing entries deleted by hand). */
    void repair(Planner.Self self) {
        metrics.kernelChanges(plane.sync(self, known.values(), true));
    }

    /** Folds queued watch events into the known leases and converges the kernel to them. */
    void applyEvents(Planner.Self self) {
        List<WatchInbox.Arrived> batch = inbox.drain();
        if (batch.isEmpty()) {
            return;
        }
        for (WatchInbox.Arrived a : batch) {
            SubnetRegistry.LeaseEvent e = a.event();
            if (e.removed()) {
                known.remove(e.subnet());
            } else {
                known.put(e.subnet(), e.lease());
            }
        }
        int changes = plane.sync(self, known.values(), false);
        long now = System.nanoTime();
        metrics.kernelChanges(changes);
        metrics.eventsHandled(batch.size());
        metrics.peers(plane.peerCount());
        if (changes > 0) {
            for (WatchInbox.Arrived a : batch) {
                metrics.eventToKernel(now - a.nanos());
            }
        }
    }

    // ---- the watch: queues lease events for the loop; reacts at once when this node's key goes ----

    private void startWatch(long fromRevision, Planner.Self self, long tag) {
        // a watch that ends at once (etcd refusing it) is not restarted, with the list and kernel read before it,
        // more than once a second
        long wait = lastWatchStart + TimeUnit.SECONDS.toNanos(1) - waits.nanoTime();
        if (lastWatchStart != 0 && wait > 0 && !waits.pause(Duration.ofNanos(wait))) {
            watchBroken.set(true); // stopping: the loop ends before it would list again
            return;
        }
        lastWatchStart = waits.nanoTime();
        try {
            watch = registry.watch(fromRevision, new SubnetRegistry.LeaseListener() {
                @Override
                public void onChange(List<SubnetRegistry.LeaseEvent> changes) {
                    if (!inbox.isCurrent(tag)) {
                        return; // a watch closed by a resync
                    }
                    long now = System.nanoTime();
                    boolean wakeUp = false;
                    for (SubnetRegistry.LeaseEvent e : changes) {
                        inbox.offer(tag, e, now);
                        if (e.subnet().equals(self.subnet())) {
                            // gone, taken by another node, or rewritten by an agent with this node's identity (or
                            // this agent's own write: one read tells them apart)
                            requestCheck();
                        } else if (!e.removed() && !e.lease().attrs().sameNode(self.me())) {
                            Lease mine = known.get(self.subnet());
                            if (mine != null && e.lease().attrs().publicIp().equals(mine.attrs().publicIp())) {
                                log.warn("Node {} claims public IP {} (subnet {}) that this node already uses; it should refuse to start",
                                        e.lease().holder(), e.lease().attrs().publicIp(), e.subnet());
                            }
                        }
                        wakeUp = true;
                    }
                    if (wakeUp) {
                        waits.wake();
                    }
                }

                @Override
                public void onError(Throwable cause) {
                    if (!inbox.isCurrent(tag)) {
                        return;
                    }
                    log.warn("Lease watch ended ({}); listing leases again", cause.getMessage());
                    watchBroken.set(true);
                    waits.wake();
                }
            });
        } catch (RegistryUnavailableException e) {
            log.warn("Cannot watch leases ({}); will retry", e.getMessage());
            watchBroken.set(true);
        }
    }

    /** Stops the watch (the loop ends, or a resync replaces it). */
    void closeWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                log.debug("closing watch: {}", e.toString());
            }
            watch = null;
        }
    }

    private void requestCheck() {
        checkRequested.set(true);
        waits.wake();
    }
}
