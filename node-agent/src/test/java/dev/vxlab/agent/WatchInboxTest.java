package dev.vxlab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.lease.SubnetRegistry.LeaseEvent;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WatchInboxTest {
    private static LeaseEvent removed(int third, long revision) {
        return new LeaseEvent(Ip4Net.parse("10.244." + third + ".0/24"), null, revision);
    }

    private static List<Long> revisions(List<WatchInbox.Arrived> arrived) {
        return arrived.stream().map(a -> a.event().revision()).toList();
    }

    @Test
    void currentWatchesEventsAreDrainedInArrivalOrderWithTheirTimes() {
        WatchInbox inbox = new WatchInbox();
        long tag = inbox.open();
        assertTrue(inbox.isEmpty());
        inbox.offer(tag, removed(1, 7), 100);
        inbox.offer(tag, removed(2, 8), 200);
        assertFalse(inbox.isEmpty());
        List<WatchInbox.Arrived> out = inbox.drain();
        assertEquals(List.of(7L, 8L), revisions(out));
        assertEquals(List.of(100L, 200L), out.stream().map(WatchInbox.Arrived::nanos).toList());
        assertTrue(inbox.isEmpty());
        assertEquals(List.of(), inbox.drain());
    }

    @Test
    void openDropsWhatTheOldWatchQueuedAndWhatItOffersLater() {
        WatchInbox inbox = new WatchInbox();
        long old = inbox.open();
        inbox.offer(old, removed(1, 5), 0);   // queued before the resync, not yet drained
        long now = inbox.open();
        assertFalse(inbox.isCurrent(old));
        assertTrue(inbox.isCurrent(now));
        inbox.offer(old, removed(2, 6), 0);   // the old watch's thread was mid-delivery when it was closed
        inbox.offer(now, removed(3, 9), 0);
        assertEquals(List.of(9L), revisions(inbox.drain()));
        assertTrue(inbox.isEmpty(), "the stale event is dropped, not left to wake the loop again");
    }

    @Test
    void aWatchThreadRacingReopensNeverGetsAnEventOfAClosedWatchDrained() throws Exception {
        WatchInbox inbox = new WatchInbox();
        AtomicLong tag = new AtomicLong(inbox.open());
        AtomicBoolean stop = new AtomicBoolean();
        // like a watch thread that read its tag just before a resync closed that watch: it goes on offering with
        // the tag it read; the event's time (nanos) carries that tag, to tell which watch an event came from
        Thread watcher = new Thread(() -> {
            long n = 0;
            while (!stop.get()) {
                long mine = tag.get();
                inbox.offer(mine, removed(1, n++), mine);
            }
        });
        watcher.start();
        int drained = 0;
        int reopens = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        try {
            while ((reopens < 2_000 || drained < 1_000) && System.nanoTime() < deadline) {
                long next = inbox.open();
                tag.set(next);
                reopens++;
                for (WatchInbox.Arrived a : inbox.drain()) {
                    drained++;
                    assertEquals(next, a.nanos(), "drained an event of a closed watch");
                }
            }
        } finally {
            stop.set(true);
            watcher.join();
        }
        assertTrue(drained > 0, "the current watch's events were drained at all");
    }
}
