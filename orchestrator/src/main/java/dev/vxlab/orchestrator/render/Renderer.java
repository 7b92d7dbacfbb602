package dev.vxlab.orchestrator.render;

import dev.vxlab.core.text.GoDuration;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.InvalidReferenceException;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateNotFoundException;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the files a lab node needs from the FreeMarker templates in the repository's top-level templates/
 * directory (in the jar under templates/), one template per file:
 * <pre>
 *   sysconfig-flanneld.ftl     /etc/sysconfig/flanneld                       0600
 *   firewalld-direct.xml.ftlx  /etc/firewalld/direct.xml                     0644  (firewall: firewalld only)
 *   vxlabd.service.ftl         /etc/systemd/system/vxlabd.service            0644
 *   docker-vxlab.conf.ftl      /etc/systemd/system/docker.service.d/vxlab.conf  0644
 * </pre>
 *
 * <p>Design notes.
 * <ul>
 * <li><b>Strict.</b> A template that names a variable the model lacks fails with a {@link RenderException}
 *     naming the template and the variable; nothing is written half-rendered (RETHROW_HANDLER, no defaults,
 *     FreeMarker's own logging of template errors off — the caller reports the exception once).</li>
 * <li><b>An explicit model.</b> Templates see a map of strings and lists built here ({@link #model}), never the
 *     spec objects, so what a template can print is listed in one place. The firewall rules are data
 *     ({@link FirewallRule#forLab}) that a node without firewalld can be given through iptables as well.</li>
 * <li><b>Escaping belongs to the file's format, not to each value.</b> direct.xml is an .ftlx template, so every
 *     interpolation is XML-escaped; the sysconfig template declares the "sysconfig" output format, so every
 *     interpolation is escaped for a shell double-quoted string ({@link #shellDoubleQuoted}). The systemd units
 *     print values only in their header comment.</li>
 * <li><b>One line per value, everywhere.</b> Every model value is checked for control characters (newline, CR,
 *     NUL, ... — TAB is allowed) before any template runs: all four formats are line-based, and XML 1.0 cannot
 *     carry most control characters even escaped.</li>
 * <li><b>Modes.</b> /etc/sysconfig/flanneld is 0600: agent.options is free text and vxlabd accepts
 *     --etcd-password there. The rest are 0644, as systemd and firewalld expect.</li>
 * </ul>
 * A Renderer is immutable once built and safe to share between threads.
 */
public final class Renderer {
    /** Where the templates sit on the classpath. */
    public static final String TEMPLATE_ROOT = "templates";
    /** The lab's underlay interface on every node (LabSpec.Underlay: "their eth1"). */
    static final String UNDERLAY_IFACE = "eth1";
    /** The bridge Docker puts containers on, whose --bip vxlabd's docker_opts.env sets. */
    static final String DOCKER_BRIDGE = "docker0";
    /** flannel's VXLAN port when the network config says 0 (the Linux kernel's default, not IANA's 4789). */
    static final int DEFAULT_VXLAN_PORT = 8472;
    static final List<String> BACKENDS = List.of("vxlan", "host-gw");

    /** Where firewalld reads its direct rules from. */
    public static final String FIREWALLD_DIRECT_XML = "/etc/firewalld/direct.xml";

    private record Target(String template, String path, String mode) {
    }

    private static final Target SYSCONFIG = new Target("sysconfig-flanneld.ftl", "/etc/sysconfig/flanneld", "0600");
    private static final Target FIREWALLD = new Target("firewalld-direct.xml.ftlx", FIREWALLD_DIRECT_XML, "0644");
    private static final Target AGENT_UNIT = new Target("vxlabd.service.ftl", "/etc/systemd/system/vxlabd.service", "0644");
    private static final Target DOCKER_DROP_IN = new Target("docker-vxlab.conf.ftl",
            "/etc/systemd/system/docker.service.d/vxlab.conf", "0644");
    private static final List<Target> TARGETS = List.of(SYSCONFIG, FIREWALLD, AGENT_UNIT, DOCKER_DROP_IN);

    private final Configuration freemarker;
    private final Map<String, Template> templates = new LinkedHashMap<>();

    /** Loads and parses the templates from the classpath (templates/), so that a broken one fails here. */
    public Renderer() {
        this(new ClassTemplateLoader(Renderer.class.getClassLoader(), TEMPLATE_ROOT));
        for (Target target : TARGETS) {
            templates.put(target.template(), load(target.template()));
        }
    }

    /** For tests: templates from another loader, fetched when first rendered. */
    Renderer(TemplateLoader loader) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_33);
        cfg.setTemplateLoader(loader);
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setLocalizedLookup(false);
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setNumberFormat("c"); // 8472, never 8,472
        cfg.setBooleanFormat("c");
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setRecognizeStandardFileExtensions(true); // *.ftlx -> XML output format, values escaped
        cfg.setRegisteredCustomOutputFormats(List.of(SysconfigOutputFormat.INSTANCE));
        this.freemarker = cfg;
    }

    /**
     * The files for one node of the lab, in a fixed order: /etc/sysconfig/flanneld, /etc/firewalld/direct.xml
     * (only when the lab's firewall is firewalld), vxlabd.service, docker's vxlab.conf drop-in.
     *
     * @param etcdEndpoints the etcd client URLs as the node reaches them (one at least)
     * @throws RenderException when a value cannot be written safely or a template fails
     */
    public List<RenderedFile> render(LabSpec spec, LabSpec.Node node, List<String> etcdEndpoints) {
        Map<String, Object> model = model(spec, node, etcdEndpoints);
        List<RenderedFile> files = new ArrayList<>();
        for (Target target : TARGETS) {
            if (target == FIREWALLD && spec.firewall() != LabSpec.Firewall.FIREWALLD) {
                continue;
            }
            files.add(new RenderedFile(target.path(), renderTemplate(target.template(), model), target.mode()));
        }
        return List.copyOf(files);
    }

    /**
     * Everything the templates may print, and nothing else.
     * <pre>
     *   lab, node        names, for the "Written by vxlab" header of every file
     *   etcdEndpoints    list of URLs (one at least, no commas)   |
     *   etcdPrefix       etcd key prefix                          | sysconfig
     *   leaseTtl         agent.leaseTtl as a Go duration          |
     *   agentOptions     FLANNEL_OPTIONS, may be empty            |
     *   etcdTls          list of {key, value}: FLANNELD_ETCD_*FILE |
     *                    lines, empty with TLS off (EtcdTls)      |
     *   etcdTlsFrom      where those files come from              |
     *   firewallRules    list of {chain, args}: FirewallRule.forLab, args joined by spaces   direct.xml
     * </pre>
     */
    static Map<String, Object> model(LabSpec spec, LabSpec.Node node, List<String> etcdEndpoints) {
        Model model = new Model();
        model.put("lab", spec.name());
        model.put("node", node.name());

        if (etcdEndpoints == null || etcdEndpoints.isEmpty()) {
            throw new RenderException(null, "etcdEndpoints", "no etcd endpoint given for node " + node.name()
                    + "; vxlabd would fall back to http://127.0.0.1:2379");
        }
        for (String endpoint : etcdEndpoints) {
            if (endpoint == null || endpoint.isBlank() || endpoint.contains(",")) {
                throw new RenderException(null, "etcdEndpoints", "etcd endpoint " + quoted(endpoint)
                        + " is empty or holds a comma, which FLANNEL_ETCD_ENDPOINTS uses to separate URLs");
            }
        }
        model.put("etcdEndpoints", List.copyOf(etcdEndpoints));
        model.put("etcdPrefix", spec.etcd().prefix());
        model.put("leaseTtl", GoDuration.format(spec.agent().leaseTtl()));
        model.put("agentOptions", spec.agent().options());
        List<Map<String, String>> tls = new ArrayList<>();
        EtcdTls.AgentFiles files = EtcdTls.agentFiles(spec);
        if (files != null) {
            tlsLine(tls, "FLANNELD_ETCD_CAFILE", files.caFile());
            tlsLine(tls, "FLANNELD_ETCD_CERTFILE", files.certFile());
            tlsLine(tls, "FLANNELD_ETCD_KEYFILE", files.keyFile());
        }
        model.put("etcdTls", List.copyOf(tls));
        model.put("etcdTlsFrom", EtcdTls.generated(spec) ? "the lab's CA and this node's own client certificate, which vxlab"
                + " signed and wrote; etcd refuses a client without a certificate of the lab" : "the files etcd.caFile, certFile and keyFile"
                + " of the lab spec, which vxlab copied here");

        if (!BACKENDS.contains(spec.network().backend())) {
            throw new RenderException(null, "backend", "backend " + quoted(spec.network().backend())
                    + " is not supported. Supported backends are " + BACKENDS);
        }
        List<Map<String, String>> rules = new ArrayList<>();
        for (FirewallRule rule : FirewallRule.forLab(spec)) {
            rules.add(Map.of("chain", rule.chain(), "args", String.join(" ", rule.args())));
        }
        model.put("firewallRules", List.copyOf(rules));
        return model.values;
    }

    private static void tlsLine(List<Map<String, String>> lines, String key, String value) {
        if (value != null) {
            lines.add(Map.of("key", key, "value", value));
        }
    }

    /** Renders one template with a model; package-private so that tests can render throwaway templates. */
    String renderTemplate(String name, Map<String, ?> model) {
        Template template = templates.containsKey(name) ? templates.get(name) : load(name);
        StringWriter out = new StringWriter();
        try {
            template.process(model, out);
        } catch (InvalidReferenceException e) {
            throw new RenderException(name, e.getBlamedExpressionString(), "undefined variable "
                    + e.getBlamedExpressionString() + where(e), e);
        } catch (TemplateException e) {
            throw new RenderException(name, e.getBlamedExpressionString(), firstLine(e.getMessageWithoutStackTop())
                    + where(e), e);
        } catch (IOException e) {
            throw new RenderException(name, null, "cannot write: " + e.getMessage(), e);
        }
        return out.toString();
    }

    private Template load(String name) {
        try {
            return freemarker.getTemplate(name);
        } catch (TemplateNotFoundException e) {
            throw new RenderException(name, null, "no such template under " + TEMPLATE_ROOT + "/ on the classpath", e);
        } catch (IOException e) { // including freemarker.core.ParseException
            throw new RenderException(name, null, "cannot load: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Escapes {@code value} for use between the double quotes of a sysconfig line ({@code KEY="..."}), so that a
     * POSIX shell, systemd's EnvironmentFile= and vxlabd's own reader (SysconfigFile, ShellWords) all read back
     * exactly {@code value}: a backslash goes before each of {@code \ " $ `} — the only characters a shell
     * treats specially inside double quotes — and everything else is written as it is. Returns the text for
     * between the quotes, without the quotes.
     *
     * <p>A value cannot break out of the line: the quote and the backslash are escaped, so the closing quote is
     * the template's; {@code $} and {@code `} are escaped, so nothing expands or runs when a shell sources the
     * file; and control characters (newline, CR, NUL, DEL, ...; TAB is allowed) are rejected with an
     * IllegalArgumentException, since a line-based reader cannot carry them. The spec loader already refuses
     * {@code ` $ \ "} and newlines in agent.options; this is the second fence.
     */
    public static String shellDoubleQuoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && Character.isISOControl(c)) {
                throw new IllegalArgumentException(String.format(
                        "control character U+%04X at index %d cannot be written in a one-line sysconfig value", (int) c, i));
            }
            if (c == '\\' || c == '"' || c == '$' || c == '`') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Insertion-ordered model that refuses missing values and control characters, naming the variable. */
    private static final class Model {
        final Map<String, Object> values = new LinkedHashMap<>();

        void put(String variable, Object value) {
            if (value == null) {
                throw new RenderException(null, variable, "variable " + variable + " has no value");
            }
            if (value instanceof List<?> list) {
                list.forEach(item -> checkText(variable, String.valueOf(item))); // a map's text holds its values
            } else {
                checkText(variable, String.valueOf(value));
            }
            values.put(variable, value);
        }

        private static void checkText(String variable, String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '\t' && Character.isISOControl(c)) {
                    throw new RenderException(null, variable, String.format(
                            "the value of %s holds control character U+%04X at index %d; rendered files are "
                                    + "line-based and cannot carry it", variable, (int) c, i));
                }
            }
        }
    }

    private static String where(TemplateException e) {
        return e.getLineNumber() == null ? "" : " at line " + e.getLineNumber() + ", column " + e.getColumnNumber();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String trimmed = text.strip();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl).strip();
    }

    private static String quoted(String text) {
        return text == null ? "null" : '"' + text + '"';
    }
}
