package dev.vxlab.orchestrator.provider.netns;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Who made a netns lab's namespaces. Their names come from the lab's name alone ({@link NetnsNames}), so two vxlab
 * homes (two VXLAB_HOMEs, two users) with a lab of one name would each take the other's namespaces for their own:
 * the second {@code up} adopting them and their sshds, its {@code down} removing them from under the first. So the
 * switch's bridge (br0 in vx-LAB-sw) carries a mark in its interface alias, {@code vxlab ID DIR}: the random ID
 * that the lab's state keeps under {@link #KEY}, and the state's directory, said when another state is refused.
 * The ID, not the directory, decides (one state reached by two spellings of its path is one owner). A switch with
 * no mark is this state's when this state recorded it (made by a vxlab before marks were written); it is marked
 * at its next {@code up}.
 */
final class LabOwner {
    /** The state's key holding its ID. */
    static final String KEY = "owner";
    static final String PREFIX = "vxlab ";
    /** An interface alias holds at most 255 bytes (IFALIASZ). */
    static final int MAX_ALIAS = 255;

    private LabOwner() {
    }

    /** This state's ID, made and recorded when it has none. */
    static String id(LabState state) {
        String id = state.string(KEY);
        if (id == null) {
            id = UUID.randomUUID().toString();
            state.put(KEY, id);
        }
        return id;
    }

    /** The mark for this state's switch ({@code vxlab ID DIR}, or {@code vxlab ID} when the directory does not fit). */
    static String mark(LabState state) {
        String withDir = PREFIX + id(state) + " " + state.dir().toAbsolutePath().normalize();
        return withDir.getBytes(StandardCharsets.UTF_8).length <= MAX_ALIAS ? withDir : PREFIX + id(state);
    }

    /** A mark read back: the ID, and the directory ("" when it did not fit); null when {@code alias} is not vxlab's. */
    record Mark(String id, String dir) {
        static Mark parse(String alias) {
            if (!alias.startsWith(PREFIX)) {
                return null;
            }
            String rest = alias.substring(PREFIX.length());
            int space = rest.indexOf(' ');
            return space < 0 ? new Mark(rest, "") : new Mark(rest.substring(0, space), rest.substring(space + 1));
        }

        /** The VXLAB_HOME of the state directory HOME/labs/NAME, null when that is not its shape. */
        String home() {
            Path d = dir.isEmpty() ? null : Path.of(dir);
            return d != null && d.getParent() != null && d.getParent().getFileName() != null
                    && d.getParent().getFileName().toString().equals("labs") && d.getParent().getParent() != null
                    ? d.getParent().getParent().toString() : null;
        }
    }

    /** The alias of the switch's br0 ("" when it has none); null when the switch namespace {@code sw} is not there. */
    static String read(Host host, String sw) {
        if (!host.run("ip", "netns", "exec", sw, "true").ok()) {
            return null;
        }
        Host.Result r = host.run("ip", "-j", "-n", sw, "link", "show", "dev", "br0");
        if (!r.ok()) {
            return "";
        }
        try {
            // the JSON, past any warning the command printed before it (its stderr comes in the same output)
            String out = r.out();
            List<?> links = (List<?>) Json.parse(out.substring(Math.max(0, out.indexOf('['))).strip());
            Object alias = links.isEmpty() ? null : ((Map<?, ?>) links.get(0)).get("ifalias");
            return alias == null ? "" : alias.toString();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * Null when {@code alias} (as {@link #read} answers for switch {@code sw}) says nothing is there or it is this
     * state's; else who made it, a phrase for an error ("made by the vxlab state in DIR").
     */
    static String foreign(LabState state, String sw, String alias) {
        if (alias == null) {
            return null;
        }
        Mark mark = Mark.parse(alias);
        if (mark != null && mark.id().equals(state.string(KEY)) || alias.isEmpty() && state.list("namespaces").contains(sw)) {
            return null;
        }
        if (mark == null) {
            return "not made by this vxlab state (" + sw + " carries no mark of it" + (alias.isEmpty() ? "" : "; its alias: " + alias) + ")";
        }
        return mark.dir().isEmpty() ? "made by another vxlab state (its mark " + mark.id() + ")" : "made by the vxlab state in " + mark.dir();
    }

    /** What to try when {@link #foreign} answered {@code mark}'s owner. */
    static String hint(String alias, String lab, Path spec) {
        Mark mark = alias == null ? null : Mark.parse(alias);
        String home = mark == null ? null : mark.home();
        return (home != null ? "`VXLAB_HOME=" + home + " vxlab down " + lab + "` removes that lab, or give" : "give") + " this one another name: in " + spec;
    }
}
