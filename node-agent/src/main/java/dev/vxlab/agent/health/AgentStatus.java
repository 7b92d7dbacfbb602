package dev.vxlab.agent.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the agent knows about itself, written by its main loop and read by /healthz. Healthy means: a lease
 * is held, and etcd answered within the grace period (a short etcd outage is not a failure; the lease
 * outlives it).
 */
public final class AgentStatus {
    private final Clock clock;
    private final Duration etcdGrace;
    private volatile String subnet;
    private volatile String phase = "starting";
    private volatile Instant lastEtcdOk;
    private volatile Instant etcdFailingSince;
    private volatile String lastEtcdError;
    private volatile String deviceProblem;

    public AgentStatus(Clock clock, Duration etcdGrace) {
        this.clock = clock;
        this.etcdGrace = etcdGrace;
    }

    public record Health(boolean ok, String text) {
    }

    public void phase(String phase) {
        this.phase = phase;
    }

    public void leaseHeld(String subnet) {
        this.subnet = subnet;
        this.phase = "running";
    }

    public void leaseLost() {
        this.subnet = null;
        this.phase = "re-acquiring lease";
    }

    public void etcdOk() {
        lastEtcdOk = clock.instant();
        etcdFailingSince = null;
        lastEtcdError = null;
    }

    public void etcdFailed(String error) {
        if (etcdFailingSince == null) {
            etcdFailingSince = clock.instant();
        }
        lastEtcdError = error;
    }

    /** The data plane's device is missing (null: fine). */
    public void deviceProblem(String problem) {
        this.deviceProblem = problem;
    }

    public Health health() {
        String device = deviceProblem;
        if (device != null) {
            return new Health(false, device);
        }
        Instant failing = etcdFailingSince;
        if (failing != null && Duration.between(failing, clock.instant()).compareTo(etcdGrace) > 0) {
            return new Health(false, "etcd unreachable for " + Duration.between(failing, clock.instant()).toSeconds() + "s: " + lastEtcdError);
        }
        String s = subnet;
        if (s == null) {
            return new Health(false, "no subnet lease held (" + phase + ")");
        }
        return new Health(true, "vxlabd is running; subnet lease " + s + " held");
    }
}
