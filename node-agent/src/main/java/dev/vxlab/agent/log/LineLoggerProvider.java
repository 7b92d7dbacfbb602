package dev.vxlab.agent.log;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The slf4j provider vxlabd selects at start ({@code -Dslf4j.provider}, set by {@link #install}): {@link LineLogger}s,
 * with vxlabd's own classes at INFO (DEBUG with -v), the etcd client's gRPC/Netty stack at ERROR and everything else
 * at WARN. Not registered as a service: tests and the orchestrator, which have vxlabd's classes on their class path,
 * keep slf4j-simple.
 */
public final class LineLoggerProvider implements SLF4JServiceProvider {
    private static volatile Level ownLevel = Level.INFO;

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, n -> LineLogger.toStderr(n, levelFor(n)));

    /** Makes slf4j use this provider; call before the first logger is asked for. {@code level} null: nothing is printed. */
    public static void install(Level level) {
        ownLevel = level;
        System.setProperty("slf4j.provider", LineLoggerProvider.class.getName());
        System.setProperty("slf4j.internal.verbosity", "WARN"); // not slf4j's "Attempting to load provider …"
    }

    static Level levelFor(String name) {
        if (ownLevel == null) {
            return null;
        }
        if (name.startsWith("dev.vxlab.")) {
            return ownLevel;
        }
        if (name.startsWith("io.grpc") || name.startsWith("io.netty") || name.startsWith("io.vertx") || name.startsWith("io.etcd")) {
            return Level.ERROR;
        }
        return Level.WARN;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }
}
