package dev.vxlab.orchestrator.provider;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a lab's nodes come from: network namespaces this machine builds (netns), Vagrant machines (vagrant),
 * or hosts that exist already (ssh). Once the machines are up, every provider ends in the same thing — a
 * {@link RemoteShell} per node — and from there vxlab runs one code path (prepare, etcd, files, agents, verify).
 * What differs between providers beyond that is asked here as a property ({@link #ownsMachines()},
 * {@link #sharesThisMachinesPrograms()}), never by the provider's name. Providers are registered in {@link Providers}.
 */
public interface Machines {

    /** Checks that change nothing, before anything is made (a network already in use, a tool missing). */
    void preflight();

    /** Makes or starts what is missing (a re-run converges); reports a line per node. */
    void up(Consumer<String> progress);

    /** How to reach a node over SSH; valid after {@link #up} (or for a lab that is up). */
    SshjShell.Target target(LabSpec.Node node);

    /** Throws, having sent nothing, when this machine must not contact {@code target} (its route leads elsewhere). */
    void checkReach(SshjShell.Target target);

    /** This machine's address on the underlay, where nodes reach an etcd run here; null when they cannot. */
    Ip4 hostAddress();

    /**
     * Removes what {@link #up} made, by the names and PIDs the lab's state recorded, and nothing else. A node that
     * does not answer does not stop the others: each one is cleaned, and what could not be removed comes back as a
     * {@link Left} per node, still recorded in the lab's state (under {@link Left#stateKeys}) so that a later down
     * finishes it. Empty: everything was removed.
     */
    List<Left> down();

    /**
     * What down could not remove on one node: {@code where} it was reached, {@code reason} (the node did not answer,
     * or its cleanup failed), {@code hint} (what to try), {@code what} is left there (the agent, 3 files, ...), and
     * the keys of the lab's state that record it.
     */
    record Left(String node, String where, String reason, String hint, List<String> what, List<String> stateKeys) {
        public Left {
            what = List.copyOf(what);
            stateKeys = List.copyOf(stateKeys);
        }
    }

    /**
     * True when the machines are the lab's own (made by {@link #up}, removed whole by {@link #down}); false for hosts
     * that existed before, where every file vxlab creates or replaces is recorded so that down can undo exactly that.
     */
    default boolean ownsMachines() {
        return true;
    }

    /**
     * True when every machine's hostname is its node's name by construction (the provider sets it, and the spec's
     * node names are distinct): {@code up} need not ask the machines before it starts anything.
     */
    default boolean namesMachinesAfterNodes() {
        return false;
    }

    /** True when the nodes run this machine's own programs (its /usr): nothing to install on them, Java included. */
    default boolean sharesThisMachinesPrograms() {
        return false;
    }

    /**
     * A directory of this machine that every node sees as the agent's lib directory ({@code /opt/vxlab/lib}), or null
     * when there is none: the agent's jar written there once reaches every node without an upload per node.
     */
    default Path sharedAgentLib() {
        return null;
    }

    /** Opens an SSH session to a node after checking that this machine may contact it. */
    default RemoteShell connect(LabSpec.Node node) {
        SshjShell.Target t = target(node);
        checkReach(t);
        return SshjShell.connect(t, 5000);
    }
}
