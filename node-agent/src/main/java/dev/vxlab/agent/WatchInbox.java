package dev.vxlab.agent;

import dev.vxlab.agent.lease.SubnetRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The lease events a watch's thread hands to the agent's loop, each tagged with the watch it came from. A resync
 * closes the watch, lists every lease and opens a new watch from the list's revision; an event the old watch's
 * thread was still delivering when close() returned is older than that list and must not be applied after it.
 * {@link #open} starts a new tag before the list is read, and {@link #drain} drops events of every other tag.
 * One thread (the agent's loop) opens and drains; any number of threads offer.
 */
final class WatchInbox {
    /** A watch event and when it arrived (System.nanoTime), for the event-to-kernel latency. */
    record Arrived(SubnetRegistry.LeaseEvent event, long nanos) {
    }

    private record Tagged(long watch, Arrived arrived) {
    }

    private final Queue<Tagged> queue = new ConcurrentLinkedQueue<>();
    private volatile long current;

    /** Starts a new watch's tag: what was queued is dropped, and so is whatever earlier watches offer from now on. */
    long open() {
        long next = current + 1; // one writer
        current = next;
        queue.clear();
        return next;
    }

    /** Whether {@code watch} is the tag of the latest {@link #open}. */
    boolean isCurrent(long watch) {
        return watch == current;
    }

    /** Queues an event of the watch tagged {@code watch}. */
    void offer(long watch, SubnetRegistry.LeaseEvent event, long nanos) {
        queue.add(new Tagged(watch, new Arrived(event, nanos)));
    }

    /** True when nothing is queued (events of an old watch count until drained: they only wake the loop). */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The current watch's queued events in arrival order; those of earlier watches are dropped. */
    List<Arrived> drain() {
        long now = current;
        List<Arrived> out = new ArrayList<>();
        for (Tagged t; (t = queue.poll()) != null; ) {
            if (t.watch() == now) {
                out.add(t.arrived());
            }
        }
        return out;
    }
}
