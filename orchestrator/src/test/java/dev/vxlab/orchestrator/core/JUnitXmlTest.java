package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.verify.PingMatrix;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class JUnitXmlTest {
    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void oneTestCasePerPairAndPerMtuCheckWithTheFailuresNamed() throws Exception {
        Verification v = new Verification("lab<&>", List.of("kube1", "kube2"), Map.of("kube1", "10.244.1.2", "kube2", "10.244.2.2"),
                new Double[][] {{null, 0.4}, {null, null}}, List.of("kube2 -> kube1"),
                List.of(new PingMatrix.MtuCheck("kube1", "kube2", 1422, true, true), new PingMatrix.MtuCheck("kube2", "kube1", 1422, true, false)));
        Document d = parse(JUnitXml.of(v));
        Element suite = (Element) d.getElementsByTagName("testsuite").item(0);
        assertEquals("vxlab verify lab<&>", suite.getAttribute("name"));
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("2", suite.getAttribute("failures"));
        assertEquals(4, d.getElementsByTagName("testcase").getLength());
        Element first = (Element) d.getElementsByTagName("testcase").item(0);
        assertEquals("kube1 -> kube2", first.getAttribute("name"));
        assertEquals("0.000400", first.getAttribute("time"));
        assertEquals(2, d.getElementsByTagName("failure").getLength());
        String mtu = ((Element) d.getElementsByTagName("failure").item(1)).getAttribute("message");
        assertTrue(mtu.contains("1423-byte don't-fragment pings leave the container"), mtu);
    }
}
