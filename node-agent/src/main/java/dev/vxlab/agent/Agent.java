package dev.vxlab.agent;

import dev.vxlab.agent.backend.DataPlane;
import dev.vxlab.agent.backend.Planner;
import dev.vxlab.agent.config.AgentConfig;
import dev.vxlab.agent.config.GoDuration;
import dev.vxlab.agent.health.AgentStatus;
import dev.vxlab.agent.health.Metrics;
import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.agent.iface.InterfaceInventory;
import dev.vxlab.agent.iface.InterfaceSelector;
import dev.vxlab.agent.iface.NetInterface;
import dev.vxlab.agent.iptables.IptablesCommand;
import dev.vxlab.agent.iptables.IptablesException;
import dev.vxlab.agent.iptables.IptablesManager;
import dev.vxlab.agent.iptables.IptablesRule;
import dev.vxlab.agent.iptables.IptablesRules;
import dev.vxlab.agent.lease.Lease;
import dev.vxlab.agent.lease.LeaseAttrs;
import dev.vxlab.agent.lease.LeaseGoneException;
import dev.vxlab.agent.lease.LeaseManager;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.agent.lease.NetworkConfigException;
import dev.vxlab.agent.lease.NodeIds;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetKey;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.agent.net.Ip4Net;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.subnetenv.AtomicFiles;
import dev.vxlab.agent.subnetenv.SubnetEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vxlabd's main loop: wait for the network config, choose the external interface, set up the backend's
 * device, acquire the lease, program every peer, write subnet.env; then keep all of it: apply lease events
 * as they arrive, renew the lease before it runs out, every few seconds check that the key is still ours and
 * resync the kernel (repairing entries deleted by hand, re-creating a deleted device), re-acquire the lease
 * (the same subnet when possible) when it vanished, and ride out an unreachable etcd with backoff.
 * All kernel work happens on this one thread; the watch only queues events and wakes it.
 * Only this loop and {@link Vxlabd#main} catch the agent's exceptions.
 */
public final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);
    /** Re-reading the kernel and iptables costs processes; every third check is enough to repair hand edits. */
    static final int RESYNC_EVERY = 3;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final SubnetRegistry registry;
    private final InterfaceInventory inventory;
    private final Clock clock;
    private final RandomGenerator random;
    private final LeaseManager leases;
    private final AgentStatus status;
    private final Kernel kernel;
    private final IptablesCommand iptables;
    private final Metrics metrics;
    private final WatchInbox inbox = new WatchInbox();
    private final Map<Ip4Net, Lease> known = new ConcurrentHashMap<>(); // read by the watch thread too

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicBoolean checkRequested = new AtomicBoolean();
    private final AtomicBoolean watchBroken = new AtomicBoolean();
    private long lastWatchStart; // System.nanoTime() of the last startWatch (main thread only); 0: none yet
    private AutoCloseable watch;

    public Agent(AgentConfig config, SubnetRegistry registry, InterfaceInventory inventory, Kernel kernel,
                 IptablesCommand iptables, Clock clock, RandomGenerator random, AgentStatus status, Metrics metrics) {
        this.kernel = kernel;
        this.iptables = iptables;
        this.metrics = metrics;
        this.config = config;
        this.registry = registry;
        this.inventory = inventory;
        this.clock = clock;
        this.random = random;
        this.leases = new LeaseManager(registry, clock, random);
        this.status = status;
    }

    /** Asks the loop to end (SIGTERM/SIGINT). The lease, subnet.env and everything else stay in place. */
    public void stop() {
        stopRequested.set(true);
        wake();
    }

    /** Runs until {@link #stop()}; fatal problems (no interface, duplicate public IP, no free subnet) are thrown. */
    public void run() {
        String nodeId = NodeIds.loadOrCreate(config.nodeIdFile(), random);
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

        DataPlane plane = new DataPlane(kernel, net, config.explain());
        String vtepSeed = config.nodeName() + "/" + nodeId;
        Optional<String> vtepMac = plane.prepare(ext, vtepSeed);
        List<NetInterface> all = inventory.interfaces();
        LeaseAttrs.NodeIdentity me = new LeaseAttrs.NodeIdentity(config.nodeName(), ext.iface().name(), nodeId);
        LeaseAttrs attrs = plane.vxlan()
                ? LeaseAttrs.vxlan(ext.publicIp(), net.backend().vni(), vtepMac.orElseThrow(), me)
                : LeaseAttrs.hostGw(ext.publicIp(), me);
        LeaseManager.Request request = new LeaseManager.Request(net, attrs, config.subnetLeaseTtl(), readPreviousSubnet(),
                ext.iface().name(), InterfaceSelector.others(ext.iface(), all));

        LeaseManager.Held held = acquire(request);
        if (held == null) {
            return;
        }
        int mtu = net.containerMtu(ext.iface().mtu());
        plane.configure(held.subnet(), mtu);
        List<Ip4Net> extNetworks = ext.iface().addresses().stream().map(Ip4Net::canonical).toList();
        Planner.Self self = new Planner.Self(held.subnet(), attrs, ext.iface().name(), extNetworks);
        metrics.leaseExpiry(held.expires().getEpochSecond());

        Backoff backoff = new Backoff();
        boolean needResync = !resync(plane, self);
        IptablesManager rules = new IptablesManager(iptables);
        boolean[] iptablesWarned = {false};
        ensureIptables(rules, net, self.subnet(), iptablesWarned);
        // like flanneld, but only once every peer is programmed and the watch runs
        writeSubnetEnv(new SubnetEnv(net.network(), held.subnet(), mtu, config.ipMasq()));
        Instant nextCheck = clock.instant().plus(CHECK_INTERVAL);
        int checks = 0;
        while (true) {
            Instant renewAt = held.expires().minus(config.subnetLeaseRenewMargin());
            Instant until = renewAt.isBefore(nextCheck) ? renewAt : nextCheck;
            if (!sleepUntil(until)) {
                break;
            }
            applyEvents(plane, self);
            boolean periodic = !clock.instant().isBefore(nextCheck);
            boolean lossSuspected = checkRequested.getAndSet(false);
            if (!periodic && !lossSuspected && clock.instant().isBefore(renewAt) && !needResync && !watchBroken.get()) {
                continue;
            }
            try {
                if (!clock.instant().isBefore(renewAt)) {
                    held = leases.renew(held, config.subnetLeaseTtl());
                    metrics.leaseExpiry(held.expires().getEpochSecond());
                    log.info("Renewed lease {} (expires at {})", held.subnet(), held.expires());
                } else {
                    leases.check(held, attrs);
                }
                status.etcdOk();
                if (backoff.failing()) {
                    log.info("etcd is reachable again");
                }
                backoff.reset();
                boolean resyncNow = periodic && ++checks % RESYNC_EVERY == 0;
                if (resyncNow && !plane.deviceHealthy()) {
                    status.deviceProblem("device " + plane.deviceName() + " is missing; re-creating it");
                    log.warn("Device {} is missing; re-creating it", plane.deviceName());
                    plane.prepare(ext, vtepSeed);
                    plane.configure(held.subnet(), mtu);
                    needResync = true;
                }
                status.deviceProblem(null);
                if (needResync || watchBroken.getAndSet(false)) {
                    needResync = !resync(plane, self);
                } else if (resyncNow) {
                    metrics.kernelChanges(plane.sync(self, known.values(), true));
                }
                if (resyncNow) {
                    ensureIptables(rules, net, self.subnet(), iptablesWarned);
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
                metrics.leaseExpiry(held.expires().getEpochSecond());
                if (!held.subnet().equals(old)) {
                    log.warn("Subnet changed from {} to {}: containers on the old subnet must be restarted", old, held.subnet());
                    plane.configure(held.subnet(), mtu);
                    self = new Planner.Self(held.subnet(), attrs, ext.iface().name(), extNetworks);
                }
                needResync = !resync(plane, self);
                writeSubnetEnv(new SubnetEnv(net.network(), held.subnet(), mtu, config.ipMasq()));
                nextCheck = clock.instant().plus(CHECK_INTERVAL);
            } catch (RegistryUnavailableException e) {
                Duration wait = backoff.next();
                status.etcdFailed(e.getMessage());
                metrics.etcdError();
                log.warn("etcd unreachable ({}); lease {} expires at {}; retrying in {}", e.getMessage(), held.subnet(),
                        held.expires(), GoDuration.format(wait));
                nextCheck = clock.instant().plus(wait);
                // the watch may sit on a connection that died without a word (etcd's host gone): list and watch
                // afresh once etcd answers again. A watch that did report its end is covered by that too: left
                // set, watchBroken would wake the loop at once and skip the backoff (a retry per failed call)
                needResync = true;
                watchBroken.set(false);
            }
        }
        closeWatch();
        log.info("Exiting; lease {} stays in etcd until it expires at {}", held.subnet(), held.expires());
    }

    /**
     * FORWARD accept rules for the overlay network (always, as flanneld's default) and, with --ip-masq,
     * flannel's masquerade rules — in chains of their own, restored when someone deletes them. A machine
     * without iptables gets one warning, not a dead agent.
     */
    private void ensureIptables(IptablesManager rules, NetworkConfig net, Ip4Net subnet, boolean[] warned) {
        List<IptablesRule> chains = new ArrayList<>(IptablesRules.forward(net.network()));
        List<IptablesRule> jumps = new ArrayList<>(List.of(IptablesRules.forwardJump()));
        if (config.ipMasq()) {
            chains.addAll(IptablesRules.masquerade(net.network(), subnet, randomFully()));
            jumps.add(IptablesRules.masqueradeJump());
        }
        try {
            rules.ensure(chains, jumps);
            warned[0] = false;
        } catch (IptablesException e) {
            if (!warned[0]) {
                log.warn("Cannot set up iptables rules: {} ({})", e.getMessage(), e.hint());
                warned[0] = true;
            }
        }
    }

    private Boolean randomFully;

    private boolean randomFully() {
        if (randomFully == null) {
            try {
                randomFully = iptables.supportsRandomFully();
            } catch (IptablesException e) {
                return false;
            }
        }
        return randomFully;
    }

    /**
     * Lists every lease, converges the kernel to them (reading the kernel's entries back), and restarts the
     * watch from the list's revision + 1 so that no event between the list and the watch is lost.
     * Returns false when etcd could not be reached (try again later).
     */
    private boolean resync(DataPlane plane, Planner.Self self) {
        closeWatch();
        long tag = inbox.open(); // before the list: what the old watch still delivers is older than the list
        watchBroken.set(false);
        SubnetRegistry.Snapshot snap;
        try {
            snap = registry.leases();
        } catch (RegistryUnavailableException e) {
            metrics.etcdError();
            log.warn("Cannot list leases for a resync ({}); will retry", e.getMessage());
            return false;
        }
        known.clear();
        snap.leases().forEach(l -> known.put(l.subnet(), l));
        metrics.kernelChanges(plane.sync(self, known.values(), true));
        metrics.peers(plane.peerCount());
        startWatch(snap.revision() + 1, self, tag);
        return true;
    }

    /** Folds queued watch events into the known leases and converges the kernel to them. */
    private void applyEvents(DataPlane plane, Planner.Self self) {
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
            if (!pause(wait)) {
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
                if (!pause(wait)) {
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

    // ---- the watch: queues lease events for the main loop; reacts at once when this node's key goes ----

    private void startWatch(long fromRevision, Planner.Self self, long tag) {
        // a watch that ends at once (etcd refusing it) is not restarted, with the list and kernel read before it,
        // more than once a second
        long wait = lastWatchStart + TimeUnit.SECONDS.toNanos(1) - System.nanoTime();
        if (lastWatchStart != 0 && wait > 0 && !pause(Duration.ofNanos(wait))) {
            watchBroken.set(true); // stopping: the loop ends before it would list again
            return;
        }
        lastWatchStart = System.nanoTime();
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
                        wake();
                    }
                }

                @Override
                public void onError(Throwable cause) {
                    if (!inbox.isCurrent(tag)) {
                        return;
                    }
                    log.warn("Lease watch ended ({}); listing leases again", cause.getMessage());
                    watchBroken.set(true);
                    wake();
                }
            });
        } catch (RegistryUnavailableException e) {
            log.warn("Cannot watch leases ({}); will retry", e.getMessage());
            watchBroken.set(true);
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

    private void requestCheck() {
        checkRequested.set(true);
        wake();
    }

    private void wake() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps until {@code until}, a queued event, a requested check, a broken watch, or stop. False: stop. */
    private boolean sleepUntil(Instant until) {
        return sleep(until, true);
    }

    /** Sleeps for {@code wait} (a backoff) or until stop, whatever else happens. False: stop. */
    private boolean pause(Duration wait) {
        return sleep(clock.instant().plus(wait), false);
    }

    private boolean sleep(Instant until, boolean wakeForWork) {
        lock.lock();
        try {
            while (!stopRequested.get()
                    && !(wakeForWork && (checkRequested.get() || watchBroken.get() || !inbox.isEmpty()))) {
                long ms = Duration.between(clock.instant(), until).toMillis();
                if (ms <= 0) {
                    break;
                }
                wake.await(ms, TimeUnit.MILLISECONDS);
            }
            return !stopRequested.get();
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
