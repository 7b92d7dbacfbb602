package dev.vxlab.agent.iproute2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code ip -force -batch -} as seen here (iproute2 6.1), for unit tests of {@link BatchProcess}: lines numbered
 * from the process's start; an unknown object prints {@code Object "x" is unknown, try "ip help".} and
 * {@code Command failed -:N}; a line told to fail prints its error and that line; a line told to end the tool
 * prints its error and exits 2 (as {@code neigh del} of an absent neighbour does); "hang" stops answering;
 * anything else succeeds silently. Every line received is recorded, per process started.
 */
final class FakeBatchTool implements BatchProcess.Starter {
    static final Set<String> OBJECTS = Set.of("link", "addr", "neigh", "route", "fdb");

    final Map<String, String> fails = new ConcurrentHashMap<>();
    final Map<String, String> exits = new ConcurrentHashMap<>();
    /** Lines received, one list per process started. */
    final List<List<String>> processes = new CopyOnWriteArrayList<>();

    @Override
    public Process start(List<String> command) throws IOException {
        List<String> received = new CopyOnWriteArrayList<>();
        processes.add(received);
        return new Fake(received);
    }

    private final class Fake extends Process {
        private final PipedOutputStream stdin = new PipedOutputStream();
        private final PipedInputStream stdout = new PipedInputStream(1 << 16);
        private volatile Integer exit;

        Fake(List<String> received) throws IOException {
            PipedInputStream toolIn = new PipedInputStream(stdin, 1 << 16);
            PrintStream toolOut = new PrintStream(new PipedOutputStream(stdout), true, StandardCharsets.UTF_8);
            Thread t = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(toolIn, StandardCharsets.UTF_8))) {
                    int n = 0;
                    for (String line; (line = in.readLine()) != null; ) {
                        n++;
                        received.add(line);
                        String object = line.split(" ")[0];
                        if (line.equals("hang")) {
                            while (exit == null) { // neither answers nor exits until destroyed
                                Thread.sleep(10);
                            }
                            return;
                        } else if (exits.containsKey(line)) {
                            toolOut.println(exits.get(line));
                            exit = 2;
                            toolOut.close();
                            return;
                        } else if (!OBJECTS.contains(object)) {
                            toolOut.println("Object \"" + object + "\" is unknown, try \"ip help\".");
                            toolOut.println("Command failed -:" + n);
                        } else if (fails.containsKey(line)) {
                            toolOut.println(fails.get(line));
                            toolOut.println("Command failed -:" + n);
                        }
                    }
                    exit = 0;
                    toolOut.close();
                } catch (IOException | InterruptedException e) {
                    exit = 1;
                    toolOut.close();
                }
            }, "fake-ip");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public OutputStream getOutputStream() {
            return stdin;
        }

        @Override
        public InputStream getInputStream() {
            return stdout;
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            while (exit == null) {
                Thread.sleep(10);
            }
            return exit;
        }

        @Override
        public int exitValue() {
            if (exit == null) {
                throw new IllegalThreadStateException("running");
            }
            return exit;
        }

        @Override
        public void destroy() {
            if (exit == null) {
                exit = 137;
            }
            try {
                stdout.close();
            } catch (IOException ignored) {
                // closing a pipe
            }
        }
    }
}
