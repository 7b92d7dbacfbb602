package dev.vxlab.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;

/**
 * The agent's sleeper in a unit test, with its {@link #clock()}: time stands still until the agent parks; a park
 * moves the clock on to its deadline, or to the next scripted action if that comes first and runs it (on the agent's
 * thread, as a watch thread would call in). So a test runs the loop on its own thread, through hours of agent
 * time, without sleeping. An agent still running a day after the start fails the test.
 */
final class ManualTime implements Waits.Sleeper {
    private static final long NANO_BASE = 1_000_000_000L; // a nanoTime() of 0 means "never" to the agent

    private final Instant start;
    private final TreeMap<Instant, List<Runnable>> script = new TreeMap<>();
    private final ManualClock clock;

    ManualTime(Instant start) {
        this.start = start;
        this.clock = new ManualClock(start);
    }

    /** The agent's clock. */
    Clock clock() {
        return clock;
    }

    /** Runs {@code action} at {@code sinceStart} of agent time (when the agent parks past it). */
    ManualTime at(Duration sinceStart, Runnable action) {
        script.computeIfAbsent(start.plus(sinceStart), t -> new ArrayList<>()).add(action);
        return this;
    }

    Duration elapsed() {
        return Duration.between(start, clock.instant());
    }

    Instant instant() {
        return clock.instant();
    }

    @Override
    public void park(Condition wake, long millis) {
        Instant now = clock.instant();
        Instant deadline = now.plusMillis(millis);
        Map.Entry<Instant, List<Runnable>> next = script.firstEntry();
        if (next != null && !next.getKey().isAfter(deadline)) {
            script.pollFirstEntry();
            if (next.getKey().isAfter(now)) {
                clock.advance(Duration.between(now, next.getKey()));
            }
            for (Runnable action : next.getValue()) {
                action.run();
            }
        } else {
            clock.advance(Duration.ofMillis(millis));
        }
        if (elapsed().compareTo(Duration.ofDays(1)) > 0) {
            throw new AssertionError("the agent was not stopped within a day of agent time");
        }
    }

    @Override
    public long nanoTime() {
        return NANO_BASE + elapsed().toNanos();
    }
}
