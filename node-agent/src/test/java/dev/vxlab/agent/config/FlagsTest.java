package dev.vxlab.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The flag table against AgentOptions' annotations (the one description of each flag), and its parse in picocli's ways. */
class FlagsTest {
    /** What picocli makes of the annotations: every option but --help and --version, as the table should say it. */
    static List<Flags.Flag> fromAnnotations() throws Exception {
        List<Flags.Flag> out = new ArrayList<>();
        for (OptionSpec spec : new CommandLine(new AgentOptions()).getCommandSpec().options()) {
            if (spec.usageHelp() || spec.versionHelp()) {
                continue;
            }
            Field field = (Field) spec.userObject();
            Class<?> type = field.getType();
            Flags.Kind kind = List.class.isAssignableFrom(type) ? Flags.Kind.LIST : type == Boolean.class ? Flags.Kind.BOOL
                    : type == Integer.class ? Flags.Kind.INT : Flags.Kind.TEXT;
            if (kind == Flags.Kind.BOOL) {
                assertEquals("0..1", spec.arity().toString(), spec.longestName() + ": a boolean alone is true");
            }
            out.add(new Flags.Flag(spec.longestName(), field.getName(), kind));
        }
        return out;
    }

    @Test
    void theTableIsTheAnnotationsFlagForFlag() throws Exception {
        assertEquals(fromAnnotations(), Flags.ALL);
    }

    @Test
    void everyFlagIsSetAndReadBackThroughItsOwnField() throws Exception {
        for (Flags.Flag flag : Flags.ALL) {
            AgentOptions o = new AgentOptions();
            Object value = switch (flag.kind()) {
                case BOOL -> Boolean.TRUE;
                case INT -> 7;
                case LIST -> List.of("x");
                case TEXT -> "x";
            };
            Flags.set(o, flag, value);
            assertEquals(value, AgentOptions.class.getDeclaredField(flag.field()).get(o), flag.name());
            assertEquals(value, Flags.get(o, flag), flag.name());
        }
    }

    @Test
    void theFormsPicocliTookAreTakenAlike() {
        AgentOptions o = new AgentOptions();
        Flags.parse(List.of("--iface=eth1", "--iface", "eth2", "--ip-masq", "--explain", "false", "-v", "2", "--etcd-prefix=/a",
                "--etcd-prefix=/b", "--healthz-port=8471"), o);
        assertEquals(List.of("eth1", "eth2"), o.iface);
        assertEquals(Boolean.TRUE, o.ipMasq);
        assertEquals(Boolean.FALSE, o.explain);
        assertEquals(2, o.verbosity);
        assertEquals("/b", o.etcdPrefix, "the last of a repeated flag wins");
        assertEquals(8471, o.healthzPort);
        AgentOptions p = new AgentOptions();
        Flags.parse(List.of("-v3", "--ip-masq=FALSE", "--node-name="), p);
        assertEquals(3, p.verbosity);
        assertEquals(Boolean.FALSE, p.ipMasq);
        assertEquals("", p.nodeName);
    }

    @Test
    void problemsAreSaidInPicocliWords() {
        assertEquals("Unknown option: '--nope'", assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--nope"), new AgentOptions())).getMessage());
        assertEquals("Unmatched argument at index 1: 'eth1'",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--ip-masq", "eth1"), new AgentOptions())).getMessage());
        assertEquals("Missing required parameter for option '--iface'",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--iface"), new AgentOptions())).getMessage());
        assertEquals("Invalid value for option '--healthz-port': 'x' is not an int",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--healthz-port=x"), new AgentOptions())).getMessage());
        assertEquals("Invalid value for option '--ip-masq': 'yes' is not a boolean",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--ip-masq=yes"), new AgentOptions())).getMessage());
    }
}
