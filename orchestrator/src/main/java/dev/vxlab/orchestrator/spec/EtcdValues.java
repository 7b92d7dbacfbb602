package dev.vxlab.orchestrator.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The readers of etcd's own values: the key prefix flannel's keys live under, and client URLs. Both end up in
 * flanneld's command line and in etcdctl calls, so only plain shapes pass: a prefix of letters, digits, '.', '_'
 * and '-' between single slashes, a URL that is exactly scheme://host:port.
 */
final class EtcdValues {
    private static final Pattern KEY_PART = Pattern.compile("[A-Za-z0-9._-]+");

    private EtcdValues() {
    }

    /** An absolute etcd key, below the root, of plain parts. */
    static Reader<String> prefix(Values values) {
        String example = "an absolute etcd key such as " + SpecDefaults.ETCD_PREFIX;
        return (n, path) -> {
            String s = values.string(n, path, example);
            if (s == null) {
                return null;
            }
            String problem = prefixProblem(s);
            if (problem != null) {
                values.problems().at(n, path, "expected " + example + ", got " + Describe.quote(s) + ": " + problem);
                return null;
            }
            return s;
        };
    }

    private static String prefixProblem(String s) {
        if (!s.startsWith("/")) {
            return "it must start with '/'";
        }
        if (s.equals("/")) {
            return "it must name a key below the root";
        }
        if (s.endsWith("/")) {
            return "it must not end with '/'";
        }
        for (String part : s.substring(1).split("/", -1)) {
            if (part.isEmpty()) {
                return "it has an empty part ('//')";
            }
            if (!KEY_PART.matcher(part).matches()) {
                int bad = part.codePoints().filter(c -> !KEY_PART.matcher(new String(Character.toChars(c))).matches())
                        .findFirst().orElseThrow();
                return Describe.character(bad) + " is not allowed; use letters, digits, '.', '_' and '-' between the slashes";
            }
        }
        return null;
    }

    /** A list of etcd client URLs, each kept with its node; null when the list or any URL is wrong. */
    static Reader<List<Val<URI>>> endpoints(Values values) {
        return (n, path) -> {
            if (!(n instanceof SequenceNode seq)) {
                values.problems().at(n, path, "expected a list of etcd client URLs such as [http://192.168.56.1:2379], got "
                        + Describe.node(n));
                return null;
            }
            List<Val<URI>> urls = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                URI url = url(values, item, path + "[" + i + "]");
                if (url == null) {
                    ok = false;
                } else {
                    urls.add(new Val<>(url, item));
                }
            }
            return ok ? urls : null;
        };
    }

    private static URI url(Values values, Node n, String path) {
        String example = "an etcd client URL such as http://192.168.56.1:2379";
        String s = values.string(n, path, example);
        if (s == null) {
            return null;
        }
        String problem = null;
        URI url = null;
        if (!s.contains("://")) {
            problem = "it has no scheme; write http://" + s + " or https://" + s;
        } else {
            try {
                url = new URI(s);
            } catch (URISyntaxException e) {
                problem = "it is not a URL (" + e.getReason() + ")";
            }
        }
        if (url != null) {
            problem = urlProblem(url);
        }
        if (problem != null) {
            values.problems().at(n, path, "expected " + example + ", got " + Describe.quote(s) + ": " + problem);
            return null;
        }
        return url;
    }

    private static String urlProblem(URI url) {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            return "the scheme must be http or https";
        }
        if (url.getHost() == null) {
            return "it has no host";
        }
        if (url.getPort() == -1) {
            return "it has no port; etcd's client port is usually 2379";
        }
        if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                || !(url.getRawPath().isEmpty() || url.getRawPath().equals("/"))) {
            return "it must be only scheme://host:port";
        }
        return null;
    }
}
