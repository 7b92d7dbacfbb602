package dev.vxlab.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxlab.agent.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentStatusTest {
    static final Duration GRACE = Duration.ofSeconds(30);

    final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    final AgentStatus status = new AgentStatus(clock, GRACE);

    static AgentStatus.Health healthy(String subnet) {
        return new AgentStatus.Health(true, "vxlabd is running; subnet lease " + subnet + " held");
    }

    @Test
    void startingWithoutALeaseIsUnhealthy() {
        assertEquals(new AgentStatus.Health(false, "no subnet lease held (starting)"), status.health());
        status.phase("acquiring lease");
        assertEquals(new AgentStatus.Health(false, "no subnet lease held (acquiring lease)"), status.health());
    }

    @Test
    void healthyWithALease() {
        status.etcdOk();
        status.leaseHeld("10.244.34.0/24");

        assertEquals(healthy("10.244.34.0/24"), status.health());
    }

    @Test
    void aLostLeaseIsUnhealthyUntilANewOneIsHeld() {
        status.leaseHeld("10.244.34.0/24");
        status.leaseLost();
        assertEquals(new AgentStatus.Health(false, "no subnet lease held (re-acquiring lease)"), status.health());

        status.leaseHeld("10.244.35.0/24");
        assertEquals(healthy("10.244.35.0/24"), status.health());
    }

    @Test
    void etcdUnreachableForLessThanTheGracePeriodIsStillHealthy() {
        status.leaseHeld("10.244.34.0/24");
        status.etcdFailed("connection refused");
        clock.advance(GRACE.minusSeconds(1));

        assertEquals(healthy("10.244.34.0/24"), status.health());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(healthy("10.244.34.0/24"), status.health(), "exactly the grace period is not longer than it");
    }

    @Test
    void etcdUnreachableForLongerThanTheGracePeriodIsUnhealthy() {
        status.leaseHeld("10.244.34.0/24");
        status.etcdFailed("connection refused");
        clock.advance(Duration.ofSeconds(20));
        status.etcdFailed("deadline exceeded"); // a later failure keeps the start of the outage, updates the error
        clock.advance(Duration.ofSeconds(11));

        assertEquals(new AgentStatus.Health(false, "etcd unreachable for 31s: deadline exceeded"), status.health());
    }

    @Test
    void anEtcdAnswerEndsTheOutage() {
        status.leaseHeld("10.244.34.0/24");
        status.etcdFailed("connection refused");
        clock.advance(Duration.ofMinutes(5));
        status.etcdOk();
        assertEquals(healthy("10.244.34.0/24"), status.health());

        status.etcdFailed("connection refused");
        clock.advance(GRACE);
        assertEquals(healthy("10.244.34.0/24"), status.health(), "a new outage is timed from its own start");
    }

    @Test
    void aDeviceProblemIsUnhealthyAndComesFirst() {
        status.leaseHeld("10.244.34.0/24");
        status.deviceProblem("flannel.1 is missing");
        assertEquals(new AgentStatus.Health(false, "flannel.1 is missing"), status.health());

        status.etcdFailed("connection refused");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(new AgentStatus.Health(false, "flannel.1 is missing"), status.health());

        status.etcdOk();
        status.deviceProblem(null);
        assertEquals(healthy("10.244.34.0/24"), status.health());
    }

    @Test
    void anEtcdOutageIsReportedBeforeAMissingLease() {
        status.etcdFailed("connection refused");
        clock.advance(GRACE.plusSeconds(1));

        assertEquals(new AgentStatus.Health(false, "etcd unreachable for 31s: connection refused"), status.health());
    }
}
