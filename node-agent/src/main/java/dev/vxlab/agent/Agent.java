package dev.vxlab.agent;

import dev.vxlab.agent.backend.vxlan.VtepMac;
import dev.vxlab.agent.config.AgentConfig;
import dev.vxlab.agent.config.GoDuration;
import dev.vxlab.agent.health.AgentStatus;
import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.agent.iface.InterfaceInventory;
import dev.vxlab.agent.iface.InterfaceSelector;
import dev.vxlab.agent.iface.NetInterface;
import dev.vxlab.agent.lease.Lease;
import dev.vxlab.agent.lease.LeaseAttrs;
import dev.vxlab.agent.lease.LeaseGoneException;
import dev.vxlab.agent.lease.LeaseManager;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.agent.lease.NetworkConfigException;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetKey;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.agent.net.Ip4Net;
import dev.vxlab.agent.subnetenv.AtomicFiles;
import dev.vxlab.agent.subnetenv.SubnetEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vxlabd's main loop: wait for the network config, choose the external interface, acquire the lease,
 * write subnet.env, then keep the lease: renew it before it runs out, check every few seconds that the key
 * is still ours, re-acquire (the same subnet when possible) when it vanished, and ride out an unreachable
 * etcd with backoff. Only this loop and {@link Vxlabd#main} catch the agent's exceptions.
 */
public final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final SubnetRegistry registry;
    private final InterfaceInventory inventory;
    private final Clock clock;
    private final LeaseManager leases;
    private final AgentStatus status;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean stopRequested;
    private boolean checkRequested;
    private boolean watchBroken;
    private AutoCloseable watch;

    public Agent(AgentConfig config, SubnetRegistry registry, InterfaceInventory inventory, Clock clock,
                 RandomGenerator random, AgentStatus status) {
        this.config = config;
        this.registry = registry;
        this.inventory = inventory;
        this.clock = clock;
        this.leases = new LeaseManager(registry, clock, random);
        this.status = status;
    }

    /** Asks the loop to end (SIGTERM/SIGINT). The lease, subnet.env and everything else stay in place. */
    public void stop() {
        lock.lock();
        try {
            stopRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Runs until {@link #stop()}; fatal problems (no interface, duplicate public IP, no free subnet) are thrown. */
    public void run() {
        NetworkConfig net = waitForNetworkConfig();
        if (net == null) {
            return;
        }
        ExternalInterface ext = InterfaceSelector.select(new InterfaceSelector.Options(config.ifaces(), config.ifaceRegexes(),
                config.ifaceCanReach(), config.publicIp()), inventory);
        log.info("Using interface with name {} and address {}", ext.iface().name(), ext.ifaceAddr());
        if (config.publicIp() != null) {
            log.info("Using {} as external address", ext.publicIp());
        } else {
            log.info("Defaulting external address to interface address ({})", ext.ifaceAddr());
        }
        log.debug("interface chosen by {}", ext.how());

        List<NetInterface> all = inventory.interfaces();
        LeaseAttrs.NodeIdentity me = new LeaseAttrs.NodeIdentity(config.nodeName(), ext.iface().name());
        LeaseAttrs attrs = net.backend().type().equals("vxlan")
                ? LeaseAttrs.vxlan(ext.publicIp(), net.backend().vni(), VtepMac.forNode(config.nodeName()), me)
                : LeaseAttrs.hostGw(ext.publicIp(), me);
        Optional<Ip4Net> previous = readPreviousSubnet();
        LeaseManager.Request request = new LeaseManager.Request(net, attrs, config.subnetLeaseTtl(), previous,
                ext.iface().name(), InterfaceSelector.others(ext.iface(), all));

        LeaseManager.Held held = acquire(request);
        if (held == null) {
            return;
        }
        SubnetEnv env = new SubnetEnv(net.network(), held.subnet(), net.containerMtu(ext.iface().mtu()), config.ipMasq());
        writeSubnetEnv(env);

        Backoff backoff = new Backoff();
        Instant nextCheck = clock.instant().plus(CHECK_INTERVAL);
        startWatch(held);
        while (true) {
            Instant renewAt = held.expires().minus(config.subnetLeaseRenewMargin());
            Instant until = renewAt.isBefore(nextCheck) ? renewAt : nextCheck;
            if (!sleepUntil(until)) {
                break;
            }
            try {
                if (!clock.instant().isBefore(renewAt)) {
                    held = leases.renew(held, config.subnetLeaseTtl());
                    log.info("Renewed lease {} (expires at {})", held.subnet(), held.expires());
                } else {
                    leases.check(held, config.nodeName());
                }
                status.etcdOk();
                if (backoff.failing()) {
                    log.info("etcd is reachable again");
                }
                backoff.reset();
                if (takeWatchBroken()) {
                    startWatch(held);
                }
                nextCheck = clock.instant().plus(CHECK_INTERVAL);
            } catch (LeaseGoneException e) {
                status.leaseLost();
                log.warn("Lease {} lost: {}; re-acquiring", held.subnet(), e.getMessage());
                request = new LeaseManager.Request(net, attrs, config.subnetLeaseTtl(), Optional.of(held.subnet()),
                        request.iface(), request.otherInterfaces());
                Ip4Net old = held.subnet();
                LeaseManager.Held again = acquire(request);
                if (again == null) {
                    break;
                }
                held = again;
                if (!held.subnet().equals(old)) {
                    log.warn("Subnet changed from {} to {}: containers on the old subnet must be restarted", old, held.subnet());
                }
                writeSubnetEnv(new SubnetEnv(net.network(), held.subnet(), env.mtu(), config.ipMasq()));
                startWatch(held);
                nextCheck = clock.instant().plus(CHECK_INTERVAL);
            } catch (RegistryUnavailableException e) {
                Duration wait = backoff.next();
                status.etcdFailed(e.getMessage());
                log.warn("etcd unreachable ({}); lease {} expires at {}; retrying in {}", e.getMessage(), held.subnet(),
                        held.expires(), GoDuration.format(wait));
                nextCheck = clock.instant().plus(wait);
            }
        }
        closeWatch();
        log.info("Exiting; lease {} stays in etcd until it expires at {}", held.subnet(), held.expires());
    }

    private NetworkConfig waitForNetworkConfig() {
        String key = SubnetKey.config(config.etcdPrefix());
        Backoff backoff = new Backoff();
        boolean saidMissing = false;
        String lastInvalid = null;
        status.phase("waiting for network config at " + key);
        while (true) {
            Duration wait;
            try {
                Optional<String> json = registry.networkConfig();
                status.etcdOk();
                if (json.isPresent()) {
                    NetworkConfig net = NetworkConfig.parse(key, json.get());
                    if (net.backendDefaulted()) {
                        log.info("Network config has no Backend: using vxlan (VNI 1, port 8472); flanneld would fall back to udp");
                    }
                    log.info("Network config: Network={} SubnetLen={} SubnetMin={} SubnetMax={} Backend={}", net.network(),
                            net.subnetLen(), net.subnetMin(), net.subnetMax(), net.backend());
                    return net;
                }
                if (!saidMissing) {
                    log.warn("Couldn't fetch network config: key {} not found in etcd; waiting for it. Write it with:"
                            + " etcdctl put {} '{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}'", key, key);
                    saidMissing = true;
                }
                wait = Duration.ofSeconds(1);
            } catch (NetworkConfigException e) {
                if (!e.getMessage().equals(lastInvalid)) {
                    log.error("{}; waiting for a valid config ({})", e.getMessage(), e.hint());
                    lastInvalid = e.getMessage();
                }
                wait = Duration.ofSeconds(2);
            } catch (RegistryUnavailableException e) {
                wait = backoff.next();
                status.etcdFailed(e.getMessage());
                log.warn("etcd unreachable at {} ({}); retrying in {}", config.etcdEndpoints(), e.getMessage(), GoDuration.format(wait));
            }
            if (!sleepUntil(clock.instant().plus(wait))) {
                return null;
            }
        }
    }

    private LeaseManager.Held acquire(LeaseManager.Request request) {
        Backoff backoff = new Backoff();
        status.phase("acquiring lease");
        while (true) {
            try {
                LeaseManager.Held held = leases.acquire(request);
                status.etcdOk();
                status.leaseHeld(held.subnet().toString());
                log.info("Subnet lease acquired: {}", held.subnet());
                log.debug("lease key={} etcdLease={} expires={}", SubnetKey.of(config.etcdPrefix(), held.subnet()),
                        Long.toHexString(held.lease().etcdLeaseId()), held.expires());
                return held;
            } catch (RegistryUnavailableException e) {
                Duration wait = backoff.next();
                status.etcdFailed(e.getMessage());
                log.warn("etcd unreachable while acquiring a lease ({}); retrying in {}", e.getMessage(), GoDuration.format(wait));
                if (!sleepUntil(clock.instant().plus(wait))) {
                    return null;
                }
            }
        }
    }

    private Optional<Ip4Net> readPreviousSubnet() {
        try {
            if (Files.isRegularFile(config.subnetFile())) {
                return SubnetEnv.previousSubnet(config.subnetFile(), Files.readString(config.subnetFile(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            log.debug("cannot read old subnet file {}: {}", config.subnetFile(), e.getMessage());
        }
        return Optional.empty();
    }

    private void writeSubnetEnv(SubnetEnv env) {
        AtomicFiles.write(config.subnetFile(), env.render(), "rw-r--r--");
        AtomicFiles.write(config.dockerOptsFile(), env.renderDockerOpts(), "rw-r--r--");
        log.info("Wrote {} (FLANNEL_SUBNET={} FLANNEL_MTU={}) and {}", config.subnetFile(), env.firstHost(), env.mtu(),
                config.dockerOptsFile());
    }

    // ---- the watch: reacts at once when this node's key is deleted, and warns of a later claim on our public IP ----

    private void startWatch(LeaseManager.Held held) {
        closeWatch();
        try {
            SubnetRegistry.Snapshot snap = registry.leases();
            Ip4Net mine = held.subnet();
            watch = registry.watch(snap.revision() + 1, new SubnetRegistry.LeaseListener() {
                @Override
                public void onChange(List<SubnetRegistry.LeaseEvent> events) {
                    for (SubnetRegistry.LeaseEvent e : events) {
                        if (e.subnet().equals(mine) && (e.removed() || !e.lease().attrs().heldBy(config.nodeName()))) {
                            requestCheck();
                        } else if (!e.removed() && !e.lease().attrs().heldBy(config.nodeName())
                                && e.lease().attrs().publicIp().equals(held.lease().attrs().publicIp())) {
                            Lease l = e.lease();
                            log.warn("Node {} claims public IP {} (subnet {}) that this node already uses; it should refuse to start",
                                    l.holder(), l.attrs().publicIp(), l.subnet());
                        }
                    }
                }

                @Override
                public void onError(Throwable cause) {
                    log.debug("lease watch ended: {}", cause.toString());
                    lock.lock();
                    try {
                        watchBroken = true;
                    } finally {
                        lock.unlock();
                    }
                }
            });
        } catch (RegistryUnavailableException e) {
            lock.lock();
            try {
                watchBroken = true;
            } finally {
                lock.unlock();
            }
        }
    }

    private void closeWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                log.debug("closing watch: {}", e.toString());
            }
            watch = null;
        }
    }

    private boolean takeWatchBroken() {
        lock.lock();
        try {
            boolean b = watchBroken;
            watchBroken = false;
            return b;
        } finally {
            lock.unlock();
        }
    }

    private void requestCheck() {
        lock.lock();
        try {
            checkRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps until {@code until}, a requested check, or stop. Returns false when the agent should stop. */
    private boolean sleepUntil(Instant until) {
        lock.lock();
        try {
            while (!stopRequested && !checkRequested) {
                long ms = Duration.between(clock.instant(), until).toMillis();
                if (ms <= 0) {
                    break;
                }
                wake.await(ms, TimeUnit.MILLISECONDS);
            }
            checkRequested = false;
            return !stopRequested;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** 1s, 2s, 4s ... 30s. */
    private static final class Backoff {
        private Duration current = Duration.ZERO;

        Duration next() {
            current = current.isZero() ? Duration.ofSeconds(1) : current.multipliedBy(2);
            if (current.compareTo(MAX_BACKOFF) > 0) {
                current = MAX_BACKOFF;
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
}
