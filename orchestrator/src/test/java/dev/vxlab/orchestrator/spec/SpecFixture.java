package dev.vxlab.orchestrator.spec;

import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** One spec text for the section tests: its top-level section, the value readers, and what they recorded. */
final class SpecFixture {
    final Problems problems = new Problems("x.yaml");
    final Values values = new Values(problems, Path.of("labs/x.yaml"));

    static Node compose(String yaml) {
        return AliasPositions.compose(yaml, new LoaderOptions());
    }

    Section top(String yaml) {
        return Section.of(SpecMap.check((MappingNode) compose(yaml), "", SpecResolver.TOP_KEYS, problems), problems);
    }

    /** The problems as the CLI prints them, in file order. */
    List<String> errors() {
        return problems.inFileOrder().stream().map(SpecError::toString).toList();
    }
}
