package dev.vxlab.orchestrator.provider.vagrant;

import dev.vxlab.orchestrator.VxlabException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what {@code vagrant ssh-config [machine...]} prints: the connection facts of each machine, in OpenSSH
 * client-config form, one {@code Host <machine>} block per machine with indented {@code Key value} lines.
 *
 * <p>Design notes:
 * <ul>
 *   <li>This is the provider-neutral way to reach a Vagrant machine: docker, virtualbox and libvirt all print the
 *       same format, only the address differs (a forwarded 127.0.0.1:2222 for docker and virtualbox, the guest's
 *       own 192.168.121.x:22 for libvirt). Nothing here asks Vagrant for anything; the caller runs the command.</li>
 *   <li>The lexical rules are OpenSSH's (readconf.c), so a hand-edited or future Vagrant output still reads:
 *       keywords are case-insensitive, the value follows whitespace and/or one {@code =}, values may be in double
 *       (or single) quotes, a backslash escapes a quote, a backslash or a space (any other backslash is kept, so
 *       Windows paths survive), {@code #} starts a comment, blank lines and CR line ends are ignored.</li>
 *   <li>As in OpenSSH, the first value of a keyword in a block wins; {@code IdentityFile} is the exception that
 *       accumulates, and every file is kept in order (Vagrant lists the machine key and, since 2.3, the insecure
 *       ed25519 and rsa keys). Paths are taken as printed: Vagrant prints absolute paths, so no {@code ~}
 *       expansion is done.</li>
 *   <li>Only what vxlab needs to connect is kept (HostName, Port, User, IdentityFile). Options Vagrant adds for
 *       the interactive client (StrictHostKeyChecking, UserKnownHostsFile, LogLevel, key algorithms...) are
 *       read and dropped: vxlab pins host keys itself.</li>
 *   <li>Strict where a guess would connect to the wrong place: a block without HostName, Port or User, a bad
 *       port, a second block for the same machine, host patterns or {@code Match}, and any line before the first
 *       {@code Host} are errors naming the machine and the line.</li>
 * </ul>
 */
public final class SshConfig {
    private static final String HINT = "run `vagrant ssh-config` in the lab's directory; is the machine up (`vagrant status`)?";

    private SshConfig() {
    }

    /** How to reach one machine: its name (the {@code Host}), address, port, user and private keys in order. */
    public record Machine(String name, String hostName, int port, String user, List<Path> identityFiles) {
        public Machine {
            identityFiles = List.copyOf(identityFiles);
        }
    }

    /** The machines in {@code text}, keyed by name, in the order printed; empty when {@code text} holds none. */
    public static Map<String, Machine> parse(String text) {
        Map<String, Machine> machines = new LinkedHashMap<>();
        Block block = null;
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            List<String> words = words(lines[i], lineNo);
            if (words.isEmpty()) {
                continue;
            }
            String key = words.get(0).toLowerCase(Locale.ROOT);
            List<String> args = words.subList(1, words.size());
            if (key.equals("host")) {
                add(machines, block);
                block = Block.open(args, lineNo);
                if (machines.containsKey(block.name)) {
                    throw new VxlabException("vagrant ssh-config: machine " + block.name + " appears twice (line " + lineNo + ")", HINT);
                }
            } else if (key.equals("match")) {
                throw new VxlabException("vagrant ssh-config: `Match` blocks are not supported (line " + lineNo + ")", HINT);
            } else if (block == null) {
                throw new VxlabException("vagrant ssh-config: expected `Host <machine>` before `" + words.get(0)
                        + "` (line " + lineNo + ")", HINT);
            } else {
                block.set(key, words.get(0), args, lineNo);
            }
        }
        add(machines, block);
        return Collections.unmodifiableMap(machines);
    }

    private static void add(Map<String, Machine> machines, Block block) {
        if (block != null) {
            machines.put(block.name, block.machine());
        }
    }

    /** One {@code Host} block as read so far: the first value of each keyword, and every IdentityFile. */
    private static final class Block {
        final String name;
        final int line;
        final Map<String, String> first = new LinkedHashMap<>();
        final Map<String, Integer> lineOf = new LinkedHashMap<>();
        final List<Path> identityFiles = new ArrayList<>();

        private Block(String name, int line) {
            this.name = name;
            this.line = line;
        }

        static Block open(List<String> args, int lineNo) {
            if (args.size() != 1 || args.get(0).matches(".*[*?!,].*")) {
                throw new VxlabException("vagrant ssh-config: expected one machine name after `Host`, got "
                        + (args.isEmpty() ? "none" : "\"" + String.join(" ", args) + "\"") + " (line " + lineNo + ")", HINT);
            }
            return new Block(args.get(0), lineNo);
        }

        void set(String key, String spelled, List<String> args, int lineNo) {
            boolean kept = key.equals("hostname") || key.equals("port") || key.equals("user") || key.equals("identityfile");
            if (!kept) {
                return;
            }
            if (args.size() != 1) {
                throw new VxlabException("vagrant ssh-config: machine " + name + ": `" + spelled + "` takes one value, got "
                        + args.size() + " (line " + lineNo + ")", "quote a value that holds spaces");
            }
            if (key.equals("identityfile")) {
                identityFiles.add(Path.of(args.get(0)));
            } else if (!first.containsKey(key)) {
                first.put(key, args.get(0));
                lineOf.put(key, lineNo);
            }
        }

        Machine machine() {
            List<String> missing = new ArrayList<>();
            for (String[] k : new String[][] {{"hostname", "HostName"}, {"port", "Port"}, {"user", "User"}}) {
                if (first.getOrDefault(k[0], "").isEmpty()) {
                    missing.add(k[1]);
                }
            }
            if (!missing.isEmpty()) {
                throw new VxlabException("vagrant ssh-config: machine " + name + " (line " + line + ") has no "
                        + String.join(", ", missing), HINT);
            }
            return new Machine(name, first.get("hostname"), port(), first.get("user"), identityFiles);
        }

        private int port() {
            String value = first.get("port");
            int port = value.matches("[0-9]{1,5}") ? Integer.parseInt(value) : -1;
            if (port < 1 || port > 65535) {
                throw new VxlabException("vagrant ssh-config: machine " + name + " has a bad Port \"" + value + "\" (line "
                        + lineOf.get("port") + "); expected 1-65535", HINT);
            }
            return port;
        }
    }

    /**
     * Splits a line into words the way OpenSSH does: the keyword ends at whitespace or {@code =} (one {@code =}
     * may separate it from the value), quotes group, a backslash escapes a quote, backslash or space, and an
     * unquoted {@code #} at the start of a word ends the line.
     */
    static List<String> words(String line, int lineNo) {
        List<String> words = new ArrayList<>();
        int i = skipSpace(line, 0);
        int keyEnd = i;
        while (keyEnd < line.length() && !isSpace(line.charAt(keyEnd)) && line.charAt(keyEnd) != '=') {
            keyEnd++;
        }
        if (i == keyEnd || line.charAt(i) == '#') {
            return words;
        }
        words.add(line.substring(i, keyEnd));
        i = skipSpace(line, keyEnd);
        if (i < line.length() && line.charAt(i) == '=') {
            i = skipSpace(line, i + 1);
        }
        while (i < line.length() && line.charAt(i) != '#') {
            StringBuilder word = new StringBuilder();
            char quote = 0;
            for (; i < line.length() && (quote != 0 || !isSpace(line.charAt(i))); i++) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length() && "\\\"' ".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                } else if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            }
            if (quote != 0) {
                throw new VxlabException("vagrant ssh-config: unterminated quote (line " + lineNo + ")", HINT);
            }
            words.add(word.toString());
            i = skipSpace(line, i);
        }
        return words;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
