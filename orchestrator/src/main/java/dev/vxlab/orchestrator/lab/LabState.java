package dev.vxlab.orchestrator.lab;

import dev.vxlab.core.io.AtomicFiles;
import dev.vxlab.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a lab created, written to {@code <labdir>/state.json} as each object comes into being, so that
 * {@code down} removes exactly those objects (and nothing else) even after a crash half-way through {@code up}.
 * Objects are recorded by name and by PID; nothing is ever found by pattern.
 */
public final class LabState {
    /** The state's file in the lab's directory. */
    public static final String FILE = "state.json";

    private final Path file;
    private final Map<String, Object> data;

    private LabState(Path file, Map<String, Object> data) {
        this.file = file;
        this.data = data;
    }

    public static LabState load(Path labDir, String name) {
        Path f = labDir.resolve(FILE);
        if (Files.isRegularFile(f)) {
            try {
                return new LabState(f, Json.parseObject(Files.readString(f, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        return new LabState(f, d);
    }

    public boolean exists() {
        return Files.isRegularFile(file);
    }

    public Path dir() {
        return file.getParent();
    }

    public synchronized void put(String key, Object value) {
        data.put(key, value);
        save();
    }

    public synchronized Object get(String key) {
        return data.get(key);
    }

    public synchronized String string(String key) {
        Object v = data.get(key);
        return v == null ? null : v.toString();
    }

    /** Adds {@code value} to the list at {@code key} unless it is there already. */
    @SuppressWarnings("unchecked")
    public synchronized void add(String key, String value) {
        List<Object> list = (List<Object>) data.computeIfAbsent(key, k -> new ArrayList<>());
        if (!list.contains(value)) {
            list.add(value);
            save();
        }
    }

    @SuppressWarnings("unchecked")
    public synchronized List<String> list(String key) {
        Object v = data.get(key);
        return v instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.of();
    }

    @SuppressWarnings("unchecked")
    public synchronized void remove(String key, String value) {
        Object v = data.get(key);
        if (v instanceof List<?> l) {
            ((List<Object>) l).remove(value);
            save();
        }
    }

    /** The keys the state holds now. */
    public synchronized Set<String> keys() {
        return Set.copyOf(data.keySet());
    }

    /** Drops every key but {@code keys} (a down that could not remove all keeps just what records the rest). */
    public synchronized void retain(Collection<String> keys) {
        data.keySet().retainAll(keys);
        save();
    }

    /** PIDs by role ("sshd/kube1", "etcd"). */
    @SuppressWarnings("unchecked")
    public synchronized Map<String, Long> pids() {
        Object v = data.get("pids");
        Map<String, Long> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, p) -> out.put(k.toString(), ((Number) p).longValue()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public synchronized void pid(String role, Long pid) {
        Map<String, Object> m = (Map<String, Object>) data.computeIfAbsent("pids", k -> new LinkedHashMap<>());
        if (pid == null) {
            m.remove(role);
        } else {
            m.put(role, pid);
        }
        save();
    }

    private void save() {
        AtomicFiles.write(file, Json.write(data) + "\n", "rw-------");
    }
}
