package dev.vxlab.agent.config;

import dev.vxlab.core.text.ShellWords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Fedora-style /etc/sysconfig file: {@code KEY=value} lines, optionally quoted, optionally prefixed by
 * {@code export}, with {@code #} comments, as systemd's EnvironmentFile= and shells read it.
 */
public record SysconfigFile(Path path, Map<String, String> values, Map<String, Integer> lines) {

    public static SysconfigFile read(Path path) {
        try {
            return parse(path, Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + path + ": " + e.getMessage(),
                    "check the path given to --env-file");
        }
    }

    public static SysconfigFile parse(Path path, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        String[] rows = text.split("\r?\n", -1);
        for (int i = 0; i < rows.length; i++) {
            String line = rows[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? "" : line.substring(0, eq).strip();
            if (eq < 0 || !key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(path + ":" + (i + 1) + ": expected KEY=value, got: " + rows[i]);
            }
            String raw = line.substring(eq + 1).strip();
            List<String> words;
            try {
                words = ShellWords.split(raw);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + ":" + (i + 1) + ": " + e.getMessage());
            }
            values.put(key, String.join(" ", words));
            lines.put(key, i + 1);
        }
        return new SysconfigFile(path, values, lines);
    }

    public String where(String key) {
        Integer line = lines.get(key);
        return line == null ? path.toString() : path + ":" + line;
    }
}
