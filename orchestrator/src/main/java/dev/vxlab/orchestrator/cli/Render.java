package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabRender;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "render", mixinStandardHelpOptions = true, description = "Write every file that `up` would push, per node, under DIR; touch nothing else.")
final class Render implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC")
    Path specFile;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        Output output = common.output();
        new LabRender().render(specFile, out, target -> output.line(target.toString()));
        return Vxlab.OK;
    }
}
