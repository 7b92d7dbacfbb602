package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabExercise;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "grade", mixinStandardHelpOptions = true, description = {
    "Grade a lab's exercise: pass when the ping matrix is green and doctor finds no error left on the broken node.",
    "Exit codes: 0 passed (the exercise ends); 1 not yet, with the reasons; 2 no exercise is active."})
final class Grade implements Callable<Integer> {
    @Mixin
    LabArg lab = new LabArg();

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        LabExercise.Grade g = new LabExercise(common.context(), new SecureRandom(), Clock.systemUTC()).grade(lab.lab);
        common.output().grade(g);
        return g.passed() ? Vxlab.OK : Vxlab.FAILED;
    }
}
