package dev.vxlab.orchestrator.fake;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A node's shell, written by hand: a file system (path → content and mode) that {@link #put} writes and compares
 * like the real one (false when content and mode are already there), and answers to commands by rule: the
 * last rule whose text the command contains answers; no rule: exit 0, no output. Every call goes to the
 * shared {@link Events} as "NODE exec CMD" or "NODE put PATH".
 */
public class FakeShell implements RemoteShell {
    public final String node;
    private final Events events;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> modes = new ConcurrentHashMap<>();
    private final List<Map.Entry<String, Function<String, Result>>> rules = new CopyOnWriteArrayList<>();
    private final Set<String> failingPuts = ConcurrentHashMap.newKeySet();
    private volatile String pinned;
    private volatile boolean closed;

    public FakeShell(String node, Events events) {
        this.node = node;
        this.events = events;
    }

    public static Result ok(String stdout) {
        return new Result(0, stdout, "");
    }

    public static Result fail(String stderr) {
        return new Result(1, "", stderr);
    }

    /** Commands containing {@code text} answer {@code answer}'s result (the latest rule wins). */
    public FakeShell on(String text, Function<String, Result> answer) {
        rules.add(0, Map.entry(text, answer));
        return this;
    }

    public FakeShell on(String text, Result result) {
        return on(text, cmd -> result);
    }

    /** A put of {@code path} fails as an SFTP upload would. */
    public FakeShell failPut(String path) {
        failingPuts.add(path);
        return this;
    }

    public FakeShell pinned(String key) {
        this.pinned = key;
        return this;
    }

    public String file(String path) {
        byte[] b = files.get(path);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public void file(String path, String content) {
        files.put(path, content.getBytes(StandardCharsets.UTF_8));
        modes.put(path, "0644");
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public Result exec(String command) {
        events.add(node + " exec " + command);
        for (Map.Entry<String, Function<String, Result>> r : rules) {
            if (command.contains(r.getKey())) {
                return r.getValue().apply(command);
            }
        }
        return ok("");
    }

    @Override
    public boolean put(String path, byte[] content, String mode) {
        events.add(node + " put " + path);
        if (failingPuts.contains(path)) {
            throw new VxlabException("cannot upload " + path + " to " + node + ": connection lost", null);
        }
        if (Arrays.equals(files.get(path), content) && mode.equals(modes.get(path))) {
            return false;
        }
        files.put(path, content.clone());
        modes.put(path, mode);
        return true;
    }

    @Override
    public int forward(String host, int port) {
        events.add(node + " forward " + host + ":" + port);
        return 40_000 + Math.abs(node.hashCode() % 1000);
    }

    @Override
    public String pinned() {
        return pinned;
    }

    @Override
    public void close() {
        closed = true;
    }
}
