package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.BadInputException;
import dev.vxlab.orchestrator.core.LabExercise;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "break", mixinStandardHelpOptions = true, description = {
    "Break a lab with one fault, for a student to find with doctor and mend with ordinary tools.",
    "The fault is recorded in the lab's state; `vxlab grade LAB` says whether it is mended, `down` takes back what it added.",
    "Exit codes: 0 broken; 1 a lab that is not up or a step that failed; 2 bad command line (an unknown fault, node, or an exercise already active)."})
final class Break implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC|NAME", description = "the lab's spec file, or the name of a lab that is up")
    String lab;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FAULT", description = "the fault (see --list)")
    String fault;

    @Option(names = "--list", description = "list the faults and the doctor rule that names each")
    boolean list;

    @Option(names = "--node", paramLabel = "NODE", description = "the node to break (default: one at random)")
    String node;

    @Option(names = "--hidden", description = "do not say which node was broken")
    boolean hidden;

    @Option(names = "--random", description = "pick the fault at random (with --hidden: a blind exercise)")
    boolean random;

    @Option(names = "--reset", description = "mend the active exercise with its own fix and end it")
    boolean reset;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        Output out = common.output();
        if (list) {
            out.faults();
            return Vxlab.OK;
        }
        if (lab == null) {
            throw new BadInputException("name the lab to break", "vxlab break LAB FAULT (the faults: vxlab break --list)");
        }
        LabExercise exercise = new LabExercise(common.context(), new SecureRandom(), Clock.systemUTC());
        if (reset) {
            out.reset(exercise.reset(lab));
        } else {
            out.broken(exercise.breakLab(lab, fault, node, hidden, random));
        }
        return Vxlab.OK;
    }
}
