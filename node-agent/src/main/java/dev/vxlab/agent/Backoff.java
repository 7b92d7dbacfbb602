package dev.vxlab.agent;

import java.time.Duration;

/** How long to wait before asking an unreachable etcd again: 1 s, 2 s, 4 s ... 30 s. */
final class Backoff {
    static final Duration MAX = Duration.ofSeconds(30);

    private Duration current = Duration.ZERO;

    Duration next() {
        current = current.isZero() ? Duration.ofSeconds(1) : current.multipliedBy(2);
        if (current.compareTo(MAX) > 0) {
            current = MAX;
        }
        return current;
    }

    boolean failing() {
        return !current.isZero();
    }

    void reset() {
        current = Duration.ZERO;
    }
}
