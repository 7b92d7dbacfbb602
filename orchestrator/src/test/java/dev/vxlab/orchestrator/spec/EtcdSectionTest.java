package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxlab.core.net.Ip4;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EtcdSectionTest {
    private final SpecFixture f = new SpecFixture();

    private EtcdSection read(String yaml) {
        return EtcdSection.read(f.top(yaml), f.values);
    }

    @Test
    void aFieldAModeWouldIgnoreIsAnErrorAtThatField() {
        read("etcd: {mode: process, image: etcd:3, endpoints: [http://10.0.0.1:2379]}\n");
        assertEquals(List.of(
                "x.yaml:1:30: etcd.image: image is only for mode: auto or container; with mode: process vxlab runs the etcd binary"
                        + " itself and would ignore it",
                "x.yaml:1:49: etcd.endpoints: endpoints is only for mode: external; with mode: process vxlab runs the etcd binary"
                        + " itself and would ignore it"), f.errors());
    }

    @Test
    void tlsIsForAnEtcdVxlabStartsAndIsTrueOrFalse() {
        read("etcd: {mode: external, endpoints: [http://10.0.0.1:2379], tls: true}\n");
        assertEquals(List.of("x.yaml:1:64: etcd.tls: tls is only for an etcd vxlab starts (for mode: external, https endpoints and"
                + " caFile, certFile, keyFile say how to reach it); with mode: external vxlab starts no etcd and would ignore it"), f.errors());
    }

    @Test
    void tlsIsTrueOrFalse() {
        EtcdSection etcd = read("etcd: {mode: process, tls: \"no\"}\n");
        assertEquals(List.of("x.yaml:1:28: etcd.tls: expected true or false, got \"no\" (in quotes it is text; write no without quotes)"),
                f.errors());
    }

    @Test
    void externalNeedsEndpoints() {
        read("etcd:\n  mode: external\n");
        assertEquals(List.of("x.yaml:2:3: etcd.endpoints: required with mode: external; list etcd's client URLs,"
                + " such as endpoints: [http://192.168.56.1:2379]"), f.errors());
    }

    @Test
    void externalNeedsACaForHttpsAndACertificateWithItsKey() {
        read("etcd: {mode: external, endpoints: [http://10.0.0.1:2379, https://10.0.0.2:2379], keyFile: k.pem}\n");
        assertEquals(List.of("x.yaml:1:58: etcd.endpoints[1]: an https endpoint needs etcd.caFile, the CA certificate that"
                        + " signed etcd's server certificate",
                "x.yaml:1:91: etcd.keyFile: keyFile needs certFile too: a client certificate and its key go together"), f.errors());
    }

    @Test
    void onMustNameANodeOfTheLab() {
        EtcdSection etcd = read("etcd: {on: kube9}\n");
        etcd.checkOn(List.of(new LabSpec.Node("kube1", Ip4.parse("192.168.56.11")), new LabSpec.Node("kube2", Ip4.parse("192.168.56.12"))));
        assertEquals(List.of("x.yaml:1:12: etcd.on: \"kube9\" is not a node of this lab; nodes are kube1, kube2"), f.errors());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "coreos.com/network  | it must start with '/'",
        "/                   | it must name a key below the root",
        "/coreos.com/        | it must not end with '/'",
        "/coreos.com//net    | it has an empty part ('//')",
        "/coreos.com/net work| a space is not allowed; use letters, digits, '.', '_' and '-' between the slashes",
    })
    void aPrefixIsAnAbsoluteKeyOfPlainParts(String prefix, String problem) {
        assertNull(EtcdValues.prefix(f.values).read(SpecFixture.compose("'" + prefix + "'"), "etcd.prefix"));
        assertEquals(List.of("x.yaml:1:1: etcd.prefix: expected an absolute etcd key such as /coreos.com/network, got \""
                + prefix + "\": " + problem), f.errors());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1:2379               | it has no scheme; write http://10.0.0.1:2379 or https://10.0.0.1:2379",
        "ftp://10.0.0.1:2379         | the scheme must be http or https",
        "http://10.0.0.1             | it has no port; etcd's client port is usually 2379",
        "http://10.0.0.1:2379/v3     | it must be only scheme://host:port",
    })
    void anEndpointIsOnlySchemeHostAndPort(String url, String problem) {
        assertNull(EtcdValues.endpoints(f.values).read(SpecFixture.compose("['" + url + "']"), "etcd.endpoints"));
        assertEquals(List.of("x.yaml:1:2: etcd.endpoints[0]: expected an etcd client URL such as http://192.168.56.1:2379, got \""
                + url + "\": " + problem), f.errors());
    }
}
