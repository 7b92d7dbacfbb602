package dev.vxlab.orchestrator.cli;

import picocli.CommandLine.Parameters;

/** The lab a verb acts on, by spec file or by the name of a lab that is up (a picocli mixin). */
final class LabArg {
    @Parameters(paramLabel = "SPEC|NAME", description = "the lab's spec file, or the name of a lab that is up")
    String lab;
}
