package dev.vxlab.agent;

import dev.vxlab.agent.config.AgentConfig;
import dev.vxlab.agent.config.AgentOptions;
import dev.vxlab.agent.config.ConfigException;
import dev.vxlab.agent.config.ConfigLoader;
import dev.vxlab.agent.health.AgentStatus;
import dev.vxlab.agent.health.HealthServer;
import dev.vxlab.agent.health.Metrics;
import dev.vxlab.agent.iface.SystemInventory;
import dev.vxlab.agent.iproute2.IpRoute2Executor;
import dev.vxlab.agent.iptables.IptablesCommand;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.agent.lease.etcd.EtcdSettings;
import dev.vxlab.agent.lease.etcd.FallbackRegistry;
import dev.vxlab.agent.lease.etcd.GatewayRegistry;
import dev.vxlab.agent.log.LineLoggerProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import picocli.CommandLine;

/** Entry point of vxlabd. Parses the configuration, sets up logging, runs the {@link Agent} until SIGTERM/SIGINT. */
public final class Vxlabd {
    static final int EXIT_OK = 0;
    static final int EXIT_FATAL = 1;
    static final int EXIT_USAGE = 2;
    static final String CDS_TRAINING = "--cds-training";

    private Vxlabd() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> argList = Arrays.asList(args);
        if (argList.contains("-h") || argList.contains("--help") || argList.contains("-help")) {
            new CommandLine(new AgentOptions()).usage(out);
            return EXIT_OK;
        }
        if (argList.equals(List.of(CDS_TRAINING))) {
            return cdsTraining();
        }
        if (argList.contains("-V") || argList.contains("--version") || argList.contains("-version")) {
            new CommandLine(new AgentOptions()).printVersionHelp(out);
            return EXIT_OK;
        }
        AgentConfig config;
        try {
            config = new ConfigLoader(env, Vxlabd::readIfExists, Vxlabd::hostname).load(argList);
        } catch (ConfigException e) {
            err.println("vxlabd: " + e.getMessage());
            if (e.hint() != null) {
                err.println("  hint: " + e.hint());
            }
            return EXIT_USAGE;
        }
        configureLogging(config.verbosity());
        Logger log = LoggerFactory.getLogger(Vxlabd.class);
        log.info("vxlabd starting: {}", config.describe());

        AgentStatus status = new AgentStatus(Clock.systemUTC(), Duration.ofSeconds(30));
        Metrics metrics = new Metrics();
        CountDownLatch exited = new CountDownLatch(1);
        try (FallbackRegistry registry = FallbackRegistry.open(new EtcdSettings(config.etcdEndpoints(), config.etcdPrefix(),
                config.etcdTls().caFile(), config.etcdTls().certFile(), config.etcdTls().keyFile(),
                config.etcdUsername(), config.etcdPassword(), Duration.ofSeconds(5)));
             HealthServer health = config.healthzPort() > 0 ? new HealthServer(config.healthzIp(), config.healthzPort(), status, metrics) : null;
             IpRoute2Executor kernel = new IpRoute2Executor()) {
            if (health != null) {
                log.info("Serving /healthz and /metrics on {}:{}", config.healthzIp(), health.port());
            }
            Agent agent = new Agent(config, registry, new SystemInventory(), kernel, new IptablesCommand(),
                    Clock.systemUTC(), new SecureRandom(), status, metrics);
            Thread hook = new Thread(() -> {
                agent.stop();
                try {
                    exited.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // A JVM ended by a signal exits 143/130; a stop asked for by systemd or Ctrl-C is a clean exit.
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(EXIT_OK);
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                agent.run();
            } finally {
                try {
                    // Ending on our own (fatal error): keep our exit code. During a signal's shutdown this throws.
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook will exit 0 once this method returns
                }
            }
            return EXIT_OK;
        } catch (AgentException e) {
            log.error("{}", e.getMessage());
            if (e.hint() != null) {
                log.error("hint: {}", e.hint());
            }
            return EXIT_FATAL;
        } catch (RuntimeException e) {
            log.error("vxlabd failed: {}", e.toString(), e);
            return EXIT_FATAL;
        } finally {
            exited.countDown();
        }
    }

    /**
     * Loads the classes a real start loads (configuration, logging, the etcd gateway client, interface listing,
     * JSON) without touching anything, then exits: the launcher runs this once per jar with
     * -XX:ArchiveClassesAtExit to build a class-data-sharing archive that makes every later start faster. gRPC
     * (jetcd, only for an etcd whose JSON gateway is off) is left out: an archive of its ~3000 classes would be
     * mapped by every start for the sake of a few.
     */
    static int cdsTraining() {
        AgentConfig config = new ConfigLoader(Map.of(), p -> Optional.empty(), () -> "cds").load(
                List.of("--etcd-endpoints=http://127.0.0.1:9", "--iface=eth1", "--subnet-lease-ttl=24h"));
        LineLoggerProvider.install(null); // loads the logging classes, prints nothing
        LoggerFactory.getLogger(Vxlabd.class).info("cds training");
        // nothing listens on port 9: each call fails; the point is to load the gateway client's classes
        try (GatewayRegistry registry = new GatewayRegistry(new EtcdSettings(config.etcdEndpoints(), config.etcdPrefix(),
                null, null, null, null, null, Duration.ofMillis(700)))) {
            try {
                registry.networkConfig();
            } catch (RuntimeException expected) {
                // as said
            }
            try {
                registry.watch(1, new SubnetRegistry.LeaseListener() {
                    @Override
                    public void onChange(List<SubnetRegistry.LeaseEvent> events) {
                        // nothing is watched: etcd is not there
                    }

                    @Override
                    public void onError(Throwable cause) {
                        // as above
                    }
                }).close();
            } catch (Exception expected) {
                // as said
            }
        } catch (RuntimeException expected) {
            // as said
        }
        new SystemInventory().interfaces();
        dev.vxlab.core.lease.LeaseAttrs.fromJson("{\"PublicIP\":\"10.0.0.1\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"02:00:00:00:00:01\"}}").toJson();
        return EXIT_OK;
    }

    /** vxlabd's log lines (see {@link LineLoggerProvider}), set up before the first logger exists. */
    static void configureLogging(int verbosity) {
        LineLoggerProvider.install(verbosity > 0 ? Level.DEBUG : Level.INFO);
    }

    static Optional<String> readIfExists(Path path) {
        try {
            return Files.isRegularFile(path) ? Optional.of(Files.readString(path, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + path + ": " + e.getMessage());
        }
    }

    /** The UTS namespace's hostname, without a DNS lookup. */
    static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException e) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env.trim() : "localhost";
    }
}
