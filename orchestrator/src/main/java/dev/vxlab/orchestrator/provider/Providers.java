package dev.vxlab.orchestrator.provider;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.netns.NetnsProvider;
import dev.vxlab.orchestrator.provider.ssh.SshProvider;
import dev.vxlab.orchestrator.provider.vagrant.VagrantProvider;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every provider, registered here and nowhere else: its id (the spec's {@code provider:}), how to make its
 * {@link Machines} for a lab, and — when it can — how to take a lab down from its state alone (a netns lab
 * whose spec file is gone still comes down). The pipeline asks this registry and never names a provider.
 */
public final class Providers {

    /** What a provider is built with: this machine's commands, the repository's top (the Vagrantfile), --verbose. */
    public record Context(Host host, Path repoHome, Consumer<String> verbose) {
    }

    @FunctionalInterface
    public interface Factory {
        Machines create(LabSpec spec, LabState state, Context context);
    }

    /** Takes a lab down from its recorded state, without its spec; returns what it could not remove (see {@link Machines#down}). */
    @FunctionalInterface
    public interface StateTeardown {
        List<Machines.Left> down(LabState state, Context context);
    }

    /** {@code teardown}: null when the provider needs the lab's spec to take it down. */
    public record Provider(LabSpec.Provider id, Factory factory, StateTeardown teardown) {
    }

    private final Map<LabSpec.Provider, Provider> providers = new LinkedHashMap<>();
    private final Context context;

    public Providers(Context context, List<Provider> providers) {
        this.context = context;
        providers.forEach(p -> this.providers.put(p.id(), p));
    }

    /** The providers vxlab ships. */
    public static Providers standard(Context context) {
        return new Providers(context, List.of(
                new Provider(LabSpec.Provider.NETNS, (spec, state, c) -> new NetnsProvider(spec, state, c.host(), c.verbose()),
                        (state, c) -> NetnsProvider.down(state, c.host(), c.verbose())),
                new Provider(LabSpec.Provider.VAGRANT, (spec, state, c) -> new VagrantProvider(spec, state, c.repoHome(), c.host(), c.verbose()),
                        null),
                new Provider(LabSpec.Provider.SSH, (spec, state, c) -> new SshProvider(spec, state, c.host(), c.verbose()), null)));
    }

    public Context context() {
        return context;
    }

    /** The lab's machines, by its spec's provider. */
    public Machines machines(LabSpec spec, LabState state) {
        return provider(spec.provider()).factory().create(spec, state, context);
    }

    /**
     * The provider a lab's state records ({@code "netns"}, ...), or null when that name is not registered. A state
     * that records none was written before the provider was recorded, when netns was the only provider.
     */
    public Provider recorded(String name) {
        String n = name != null ? name : id(LabSpec.Provider.NETNS);
        return providers.values().stream().filter(p -> id(p.id()).equals(n)).findFirst().orElse(null);
    }

    /** The name a lab's state records for a provider. */
    public static String id(LabSpec.Provider provider) {
        return provider.name().toLowerCase(Locale.ROOT);
    }

    private Provider provider(LabSpec.Provider id) {
        Provider p = providers.get(id);
        if (p == null) {
            throw new VxlabException("provider " + id(id) + " is not supported here", "supported providers: "
                    + providers.keySet().stream().map(Providers::id).toList());
        }
        return p;
    }
}
