package dev.vxlab.agent;

import dev.vxlab.agent.backend.DataPlane;
import dev.vxlab.agent.backend.Planner;
import dev.vxlab.agent.config.AgentConfig;
import dev.vxlab.agent.health.AgentStatus;
import dev.vxlab.agent.health.Metrics;
import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.agent.iface.InterfaceInventory;
import dev.vxlab.agent.iface.InterfaceSelector;
import dev.vxlab.agent.iface.NetInterface;
import dev.vxlab.agent.iptables.Iptables;
import dev.vxlab.agent.iptables.IptablesException;
import dev.vxlab.agent.iptables.IptablesManager;
import dev.vxlab.agent.iptables.IptablesRule;
import dev.vxlab.agent.iptables.IptablesRules;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.lease.LeaseGoneException;
import dev.vxlab.agent.lease.LeaseManager;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.agent.lease.NetworkConfigException;
import dev.vxlab.agent.lease.NodeIds;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.agent.subnetenv.SubnetEnv;
import dev.vxlab.core.io.AtomicFiles;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.core.text.GoDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Only this loop (with the parts below, which retry etcd for it) and {@link Vxlabd#main} catch the agent's
 * exceptions.
 *
 * <p>The parts: {@link LeaseKeeper} (acquire, renew, check, re-acquire, backoff), {@link PeerSync} (list, watch,
 * resync, the {@link WatchInbox}) and {@link Waits} (every wait, on an injected clock and sleeper, so that a
 * unit test drives the loop's time). This class starts them and runs the loop that ties them together; the
 * backend comes from {@link Backends}.
 */
public final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);
    /** Re-reading the kernel and iptables costs processes; every third check is enough to repair hand edits. */
    static final int RESYNC_EVERY = 3;

    private final AgentConfig config;
    private final SubnetRegistry registry;
    private final InterfaceInventory inventory;
    private final Clock clock;
    private final RandomGenerator random;
    private final AgentStatus status;
    private final Kernel kernel;
    private final Iptables iptables;
    private final Metrics metrics;
    private final Waits waits;
    private final LeaseKeeper keeper;

    public Agent(AgentConfig config, SubnetRegistry registry, InterfaceInventory inventory, Kernel kernel,
                 Iptables iptables, Clock clock, RandomGenerator random, AgentStatus status, Metrics metrics) {
        this(config, registry, inventory, kernel, iptables, clock, Waits.REAL, random, status, metrics);
    }

    /** As above, waiting through {@code sleeper} (a test's moves a manual {@code clock} on). */
    Agent(AgentConfig config, SubnetRegistry registry, InterfaceInventory inventory, Kernel kernel, Iptables iptables,
          Clock clock, Waits.Sleeper sleeper, RandomGenerator random, AgentStatus status, Metrics metrics) {
        this.kernel = kernel;
        this.iptables = iptables;
        this.metrics = metrics;
        this.config = config;
        this.registry = registry;
        this.inventory = inventory;
        this.clock = clock;
        this.random = random;
        this.status = status;
        this.waits = new Waits(clock, sleeper);
        this.keeper = new LeaseKeeper(new LeaseManager(registry, clock, random), waits, status, metrics, config.etcdPrefix(),
                config.subnetLeaseRenewMargin());
    }

    /** Asks the loop to end (SIGTERM/SIGINT). The lease, subnet.env and everything else stay in place. */
    public void stop() {
        waits.stop();
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

        DataPlane plane = new DataPlane(kernel, net, Backends.create(net), config.explain());
        String vtepSeed = config.nodeName() + "/" + nodeId;
        LeaseAttrs.NodeIdentity me = new LeaseAttrs.NodeIdentity(config.nodeName(), ext.iface().name(), nodeId);
        LeaseAttrs attrs = plane.prepare(ext, vtepSeed, me);
        List<NetInterface> all = inventory.interfaces();
        LeaseManager.Request request = new LeaseManager.Request(net, attrs, config.subnetLeaseTtl(), readPreviousSubnet(),
                ext.iface().name(), InterfaceSelector.others(ext.iface(), all, etcdAddresses(config)));

        if (!keeper.acquire(request)) {
            return;
        }
        int mtu = plane.containerMtu(ext.iface().mtu());
        plane.configure(keeper.held().subnet(), mtu);
        List<Ip4Net> extNetworks = ext.iface().addresses().stream().map(Ip4Net::canonical).toList();
        Planner.Self self = new Planner.Self(keeper.held().subnet(), attrs, ext.iface().name(), extNetworks);

        PeerSync peers = new PeerSync(registry, plane, metrics, waits);
        peers.resync(self);
        IptablesManager rules = new IptablesManager(iptables);
        boolean[] iptablesWarned = {false};
        ensureIptables(rules, net, self.subnet(), iptablesWarned);
        // like flanneld, but only once every peer is programmed and the watch runs
        writeSubnetEnv(new SubnetEnv(net.network(), keeper.held().subnet(), mtu, config.ipMasq()));
        Instant nextCheck = clock.instant().plus(CHECK_INTERVAL);
        int checks = 0;
        while (true) {
            Instant renewAt = keeper.renewAt();
            Instant until = renewAt.isBefore(nextCheck) ? renewAt : nextCheck;
            if (!waits.sleepUntil(until, peers)) {
                break;
            }
            peers.applyEvents(self);
            boolean periodic = !clock.instant().isBefore(nextCheck);
            boolean lossSuspected = peers.takeCheckRequest();
            if (!periodic && !lossSuspected && clock.instant().isBefore(renewAt) && !peers.resyncDue()) {
                continue;
            }
            try {
                keeper.renewOrCheck(clock.instant());
                status.etcdOk();
                if (keeper.answered()) {
                    log.info("etcd is reachable again");
                }
                boolean resyncNow = periodic && ++checks % RESYNC_EVERY == 0;
                if (resyncNow && !plane.deviceHealthy()) {
                    status.deviceProblem("device " + plane.deviceName() + " is missing; re-creating it");
                    log.warn("Device {} is missing; re-creating it", plane.deviceName());
                    plane.prepare(ext, vtepSeed, me);
                    plane.configure(keeper.held().subnet(), mtu);
                    peers.requireResync(); // the device's entries went with it
                }
                status.deviceProblem(null);
                if (peers.resyncDue()) {
                    peers.resync(self);
                } else if (resyncNow) {
                    peers.repair(self);
                }
                if (resyncNow) {
                    ensureIptables(rules, net, self.subnet(), iptablesWarned);
                }
                if (periodic) {
                    // only a periodic check sets the next one: a renewal between two (every TTL - margin) must not put
                    // it off, or every third check, which repairs hand edits, comes later than 3 x CHECK_INTERVAL
                    nextCheck = clock.instant().plus(CHECK_INTERVAL);
                }
            } catch (LeaseGoneException e) {
                Ip4Net old = keeper.held().subnet();
                if (!keeper.reacquire(e)) {
                    break;
                }
                Ip4Net now = keeper.held().subnet();
                if (!now.equals(old)) {
                    log.warn("Subnet changed from {} to {}: containers on the old subnet must be restarted", old, now);
                    plane.configure(now, mtu);
                    self = new Planner.Self(now, attrs, ext.iface().name(), extNetworks);
                }
                peers.resync(self);
                writeSubnetEnv(new SubnetEnv(net.network(), now, mtu, config.ipMasq()));
                nextCheck = clock.instant().plus(CHECK_INTERVAL);
            } catch (RegistryUnavailableException e) {
                Duration wait = keeper.retryIn();
                LeaseManager.Held held = keeper.held();
                status.etcdFailed(e.getMessage());
                metrics.etcdError();
                log.warn("etcd unreachable ({}); lease {} expires at {}; retrying in {}", e.getMessage(), held.subnet(),
                        held.expires(), GoDuration.format(wait));
                nextCheck = clock.instant().plus(wait);
                peers.resyncAfterOutage();
            }
        }
        peers.closeWatch();
        log.info("Exiting; lease {} stays in etcd until it expires at {}", keeper.held().subnet(), keeper.held().expires());
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
            if (!waits.pause(wait)) {
                return null;
            }
        }
    }

    /** The etcd endpoints' hosts that are IPv4 addresses (a network holding one is shared by the nodes). */
    static List<Ip4> etcdAddresses(AgentConfig config) {
        return config.etcdEndpoints().stream().map(java.net.URI::getHost)
                .filter(h -> h != null && Ip4.isValid(h)).map(Ip4::parse).toList();
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
}
