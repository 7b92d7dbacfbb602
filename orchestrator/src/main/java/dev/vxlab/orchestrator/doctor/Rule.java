package dev.vxlab.orchestrator.doctor;

import java.util.List;

/**
 * A check over a lab's facts: pure (no SSH, no etcd), so it is tested on recorded facts. {@code id} is stable
 * (VX001 …): docs, exercises and scripts refer to it. A static rule needs only the spec and also runs on a
 * lab that is not up.
 */
public interface Rule {
    String id();

    /** What the rule looks for, a line for {@code vxlab doctor --list}. */
    String title();

    default boolean isStatic() {
        return false;
    }

    List<Finding> check(LabFacts facts);
}
