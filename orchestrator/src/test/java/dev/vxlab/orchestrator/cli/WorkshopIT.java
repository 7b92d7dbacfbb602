package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.text.ShellWords;
import dev.vxlab.orchestrator.core.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * labs/README.md, the workshop path, run as written: every `./vxlab ...` line of its sh blocks, in order, from the
 * repository's top (the labs' specs are its own), each expected to exit as its "# exit N" comment says (0 without
 * one); a comment with "retry" gives the agents up to 30 s. The labs it brings up use the shipped specs
 * (quickstart, the trap), so no other lab of 192.168.56.0/24 may be up meanwhile.
 */
class WorkshopIT {
    static final Path README = Path.of("..", "labs", "README.md");
    static final Pattern EXIT = Pattern.compile("#.*\\bexit (\\d)\\b");
    static Path state;

    record Step(int line, String command, List<String> args, int exit, boolean retry) {
    }

    @BeforeAll
    static void stateDir() throws IOException {
        state = Files.createTempDirectory("vxlab-it-state-");
        System.setProperty("vxlab.state.home", state.toString());
    }

    @AfterAll
    static void cleanup() {
        for (String lab : List.of("quickstart", "eth0-trap")) {
            LabUpIT.run("down", lab);
        }
        Lab.deleteTree(state);
    }

    /** The commands of the sh blocks, with their expected exit codes. */
    static List<Step> steps() throws IOException {
        List<Step> out = new ArrayList<>();
        boolean inSh = false;
        List<String> lines = Files.readAllLines(README);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                inSh = !inSh && l.equals("```sh");
                continue;
            }
            if (!inSh || !l.startsWith("./vxlab ")) {
                continue;
            }
            int hash = l.indexOf("  #");
            String cmd = (hash < 0 ? l : l.substring(0, hash)).strip();
            String comment = hash < 0 ? "" : l.substring(hash);
            Matcher m = EXIT.matcher(comment);
            List<String> args = ShellWords.split(cmd.substring("./vxlab ".length()));
            out.add(new Step(i + 1, cmd, args, m.find() ? Integer.parseInt(m.group(1)) : 0, comment.contains("retry")));
        }
        return out;
    }

    @Test
    void everyCommandOfTheWorkshopRunsAsTheTextSays() throws IOException {
        List<Step> steps = steps();
        assertTrue(steps.size() > 20, "the workshop's commands were found: " + steps.size());
        Path top = Path.of("..").toAbsolutePath().normalize();
        for (Step s : steps) {
                List<String> args = new ArrayList<>(s.args());
                // the spec paths are the repository's, relative to its top (the test runs in orchestrator/)
                args.replaceAll(a -> a.startsWith("labs/") ? top.resolve(a).toString() : a);
                long deadline = System.nanoTime() + (s.retry() ? 30_000_000_000L : 0);
                LabUpIT.Run r;
                do {
                    r = LabUpIT.run(args.toArray(String[]::new));
                } while (r.code() != s.exit() && System.nanoTime() < deadline && ExerciseIT.sleep());
                assertEquals(s.exit(), r.code(), "labs/README.md:" + s.line() + ": " + s.command() + "\n" + r.out() + r.err());
        }
    }
}
