package dev.vxlab.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command and captures its output (integration tests). */
public final class Cmd {
    public record Result(int code, String out) {
        public boolean ok() {
            return code == 0;
        }
    }

    private Cmd() {
    }

    public static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs and fails the test setup when the command fails. */
    public static String must(String... cmd) {
        return must(List.of(cmd));
    }

    public static String must(List<String> cmd) {
        Result r = run(cmd);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.out());
        }
        return r.out();
    }
}
