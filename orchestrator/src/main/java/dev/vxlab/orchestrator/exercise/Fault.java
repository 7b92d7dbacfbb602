package dev.vxlab.orchestrator.exercise;

/**
 * A fault a teacher breaks a lab with, as data: what it does to one node, the doctor rule whose finding is its
 * evidence, the fix a student applies with ordinary commands on the node (what the docs and the tests run),
 * and how to take it back (what {@code down} runs on a host vxlab does not own). Registered in {@link Faults}.
 */
public interface Fault {
    /** The name teachers type: {@code vxlab break LAB udp-drop}. */
    String id();

    /** One line for {@code break --list}. */
    String title();

    /** The doctor rule that names this fault. */
    String rule();

    /** Whether the fault needs a Vagrant-style NAT eth0 (underlay.nat: true) to make sense. */
    default boolean needsNat() {
        return false;
    }

    /** Whether the fault also deletes the node's lease from etcd (after {@link #inject}, with the agent stopped). */
    default boolean deletesLease() {
        return false;
    }

    /** Shell commands, run as root on the target node, that make the fault. */
    String inject(Target t);

    /** What a student runs on the node to mend it. */
    String fix(Target t);

    /** Takes back what {@link #inject} added that down would not remove (best effort; empty: nothing). */
    default String undo(Target t) {
        return "";
    }
}
