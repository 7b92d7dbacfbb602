package dev.vxlab.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The orchestrator's layers, read from its source files (src/main/java):
 * <ol>
 *   <li><b>cli/ holds no pipeline logic.</b> A file in cli/ imports only cli/, core/ (the services), spec/ (the
 *   --provider enum and spec errors), {@link VxlabException} and {@link BadInputException}, the doctor's
 *   {@code Report} and the exercise faults' list (which it prints), the JSON writer for --json, picocli and java.*; and
 *   it names no other orchestrator package by a qualified name either. So providers, transport, etcd, deploy,
 *   render, verify, prepare and lab/ are out of its reach: whatever the CLI does beyond parse and print must be a
 *   service call.</li>
 *   <li><b>Only the top-level Vxlab class catches.</b> No other file in cli/ has a {@code catch}: the verbs let the
 *   library's typed exceptions reach the one handler that prints a line and picks the exit code.</li>
 *   <li><b>The pipeline names no provider.</b> core/ imports no provider implementation package
 *   (provider/netns, vagrant, ssh) and never compares with {@code Provider.NETNS|VAGRANT|SSH} or a provider's name: what differs between
 *   providers is a property of {@code Machines}, chosen in the registry {@code Providers}.</li>
 *   <li><b>The doctor's rules, the graph and the trace's decoder are pure.</b> doctor/, graph/ and trace/ import no transport, provider, etcd,
 *   core, lab, sshj or jetcd: they turn facts into findings, a drawing or hops; gathering the facts, running Graphviz
 *   and capturing are the business of core/LabDoctor, core/LabGraph and core/LabTrace.</li>
 *   <li><b>Dependencies point inward.</b> Nothing outside cli/ imports cli/; nothing outside cli/ and core/
 *   imports core/; core/ imports no sshj, jetcd, FreeMarker or picocli.</li>
 * </ol>
 */
class ArchitectureTest {
    static final Path MAIN = Path.of("src/main/java/dev/vxlab/orchestrator");
    static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?([\\w.]+)(?:\\.\\*)?;");
    static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.vxlab\\.orchestrator\\.(\\w+)\\.");

    static final List<String> CLI_MAY_IMPORT = List.of("dev.vxlab.orchestrator.cli.", "dev.vxlab.orchestrator.core.",
            "dev.vxlab.orchestrator.spec.", "dev.vxlab.orchestrator.VxlabException", "dev.vxlab.orchestrator.BadInputException",
            "dev.vxlab.orchestrator.doctor.Report", "dev.vxlab.orchestrator.exercise.Fault", "dev.vxlab.orchestrator.trace.TraceReport", "dev.vxlab.core.json.Json", "picocli.", "java.");

    record Source(Path path, String text) {
        String pkg() {
            return MAIN.relativize(path).getParent() == null ? "" : MAIN.relativize(path).getName(0).toString();
        }

        List<String> imports() {
            List<String> out = new ArrayList<>();
            Matcher m = IMPORT.matcher(text);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }

        /** The text without its import lines and comments, for what the code itself names. */
        String code() {
            return text.replaceAll("(?m)^import .*$", "").replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        }
    }

    static List<Source> sources(String pkg) {
        try (Stream<Path> walk = Files.walk(MAIN.resolve(pkg))) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().map(p -> {
                try {
                    return new Source(p, Files.readString(p, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void cliImportsOnlyTheServicesTheSpecOutputHelpersPicocliAndJava() {
        List<String> wrong = new ArrayList<>();
        List<Source> cli = sources("cli");
        assertFalse(cli.isEmpty(), "the test reads the sources from " + MAIN.toAbsolutePath());
        for (Source s : cli) {
            for (String imp : s.imports()) {
                if (CLI_MAY_IMPORT.stream().noneMatch(imp::startsWith)) {
                    wrong.add(s.path().getFileName() + " imports " + imp);
                }
            }
            Matcher m = QUALIFIED.matcher(s.code());
            while (m.find()) {
                if (!List.of("cli", "core", "spec").contains(m.group(1))) {
                    wrong.add(s.path().getFileName() + " names " + m.group());
                }
            }
        }
        assertEquals(List.of(), wrong, "cli/ parses, calls one service and prints: what it needs beyond that belongs in core/");
    }

    @Test
    void onlyTheTopLevelVxlabClassCatches() {
        List<String> catching = sources("cli").stream().filter(s -> !s.path().getFileName().toString().equals("Vxlab.java"))
                .filter(s -> s.code().matches("(?s).*\\bcatch\\s*\\(.*")).map(s -> s.path().getFileName().toString()).toList();
        assertEquals(List.of(), catching);
    }

    @Test
    void thePipelineNamesNoProvider() {
        List<String> wrong = new ArrayList<>();
        for (Source s : sources("core")) {
            s.imports().stream().filter(i -> i.matches("dev\\.vxlab\\.orchestrator\\.provider\\.(netns|vagrant|ssh)\\..*"))
                    .forEach(i -> wrong.add(s.path().getFileName() + " imports " + i));
            Matcher m = Pattern.compile("Provider\\s*\\.\\s*(NETNS|VAGRANT|SSH)\\b|equals\\(\"(netns|vagrant|ssh)\"\\)|\"(netns|vagrant|ssh)\"\\s*\\.equals").matcher(s.code());
            while (m.find()) {
                wrong.add(s.path().getFileName() + " names " + m.group());
            }
        }
        assertEquals(List.of(), wrong, "ask Machines for the property instead, and register providers in provider/Providers");
    }

    /**
     * The orchestrator builds on vxlab-core, never on the agent: the agent's jar (jetcd, gRPC, Netty) is a file
     * vxlab deploys, not a library it loads. Its pom has node-agent in test scope only (RendererTest).
     */
    @Test
    void theOrchestratorImportsNothingOfTheAgentNorOfGrpc() {
        List<String> wrong = new ArrayList<>();
        for (Source s : sources("")) {
            for (String imp : s.imports()) {
                if (imp.startsWith("dev.vxlab.agent.") || imp.startsWith("io.etcd.") || imp.startsWith("io.grpc.") || imp.startsWith("io.netty.")) {
                    wrong.add(MAIN.relativize(s.path()) + " imports " + imp);
                }
            }
            if (s.code().contains("dev.vxlab.agent.")) {
                wrong.add(MAIN.relativize(s.path()) + " names a class of dev.vxlab.agent");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void dependenciesPointInward() {
        List<String> wrong = new ArrayList<>();
        for (String pkg : List.of("core", "deploy", "etcd", "graph", "lab", "prepare", "provider", "render", "spec", "trace", "transport", "verify")) {
            for (Source s : sources(pkg)) {
                for (String imp : s.imports()) {
                    boolean cli = imp.startsWith("dev.vxlab.orchestrator.cli.");
                    boolean core = imp.startsWith("dev.vxlab.orchestrator.core.") && !pkg.equals("core");
                    boolean library = pkg.equals("core") && (imp.startsWith("net.schmizz") || imp.startsWith("io.etcd")
                            || imp.startsWith("freemarker") || imp.startsWith("picocli"));
                    if (cli || core || library) {
                        wrong.add(pkg + "/" + s.path().getFileName() + " imports " + imp);
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "graph", "trace"})
    void theDoctorTheGraphAndTheTraceDecoderTouchNoLabEtcdOrShell(String pkg) {
        List<String> wrong = new ArrayList<>();
        List<Source> sources = sources(pkg);
        assertFalse(sources.isEmpty(), pkg + "/ has sources");
        for (Source src : sources) {
            for (String imp : src.imports()) {
                if (imp.matches("dev\\.vxlab\\.orchestrator\\.(transport|provider|etcd|core|lab|deploy|verify)\\..*")
                        || imp.startsWith("net.schmizz.") || imp.startsWith("io.etcd.") || imp.startsWith("dev.vxlab.core.etcd.")) {
                    wrong.add(MAIN.relativize(src.path()) + " imports " + imp);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }
}
