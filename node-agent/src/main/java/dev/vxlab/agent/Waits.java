package dev.vxlab.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How the agent's loop waits, and what ends a wait: its deadline by the clock, work that arrives meanwhile (a
 * queued event, a requested check, a broken watch: {@link Work}), or {@link #stop()}. The time comes from an
 * injected {@link Clock} and the parking from an injected {@link Sleeper}, so that a unit test drives the loop's
 * time with a manual clock and never sleeps. Any thread may {@link #wake()} or stop the loop; only the loop waits.
 */
final class Waits {
    /** Parks the loop's thread: the real one on the condition, a test's by moving a manual clock on. */
    interface Sleeper {
        /**
         * Parks for at most {@code millis}, or until {@code wake} is signalled, or spuriously; called with
         * {@code wake}'s lock held. The caller checks again what it waits for.
         */
        void park(Condition wake, long millis) throws InterruptedException;

        /** A monotonic time in nanoseconds, moving with the clock (System.nanoTime for the real one). */
        long nanoTime();
    }

    /** Whether there is work that ends a wait for a deadline early. */
    interface Work {
        boolean pending();
    }

    /** Waits on the condition; System.nanoTime. */
    static final Sleeper REAL = new Sleeper() {
        @Override
        public void park(Condition wake, long millis) throws InterruptedException {
            wake.await(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    private final Clock clock;
    private final Sleeper sleeper;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    Waits(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Asks the loop to end: a wait under way returns false at once, and so does every later one. */
    void stop() {
        stopRequested.set(true);
        wake();
    }

    /** Ends a wait under way early, so that the loop looks at its {@link Work} again. */
    void wake() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long nanoTime() {
        return sleeper.nanoTime();
    }

    /** Sleeps until {@code until}, work pending, or stop. False: stop. */
    boolean sleepUntil(Instant until, Work work) {
        return sleep(until, work);
    }

    /** Sleeps for {@code wait} (a backoff) or until stop, whatever else happens. False: stop. */
    boolean pause(Duration wait) {
        return sleep(clock.instant().plus(wait), null);
    }

    private boolean sleep(Instant until, Work work) {
        lock.lock();
        try {
            while (!stopRequested.get() && !(work != null && work.pending())) {
                // rounded up: a deadline less than a millisecond away is waited for, not spun on (with a lease TTL
                // that is not a whole number of milliseconds over 3, renewAt is; a manual clock then never got there)
                long ms = Duration.between(clock.instant(), until).plusNanos(999_999).toMillis();
                if (ms <= 0) {
                    break;
                }
                sleeper.park(wake, ms);
            }
            return !stopRequested.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
