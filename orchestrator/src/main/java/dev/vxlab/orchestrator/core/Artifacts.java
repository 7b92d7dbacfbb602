package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.prepare.JavaRuntime;

/** What {@code up} uploads to the nodes and does not render: the agent (jar and launcher) and, for a node without Java, a runtime. */
public interface Artifacts {

    byte[] agentJar();

    byte[] agentLauncher();

    /** Built on first need only: a lab whose nodes all have Java never runs jlink. */
    JavaRuntime.Archive javaRuntime();
}
