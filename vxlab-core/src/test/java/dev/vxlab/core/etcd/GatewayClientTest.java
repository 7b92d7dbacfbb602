package dev.vxlab.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GatewayClientTest {

    private static GatewayClient.Response head(String wire) throws IOException {
        return GatewayClient.readHead(null, new BufferedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void chunkedStreamingAnswerAsEtcdSendsIt() throws IOException {
        GatewayClient.Response r = head("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Thu, 26 Nov 2026 01:40:00 GMT\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "1b\r\n{\"result\":{\"created\":true}}\r\n1\r\n\n\r\n0\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("{\"result\":{\"created\":true}}\n", GatewayClient.readAll(r.body()));
    }

    @Test
    void contentLengthBoundsTheBody() throws IOException {
        GatewayClient.Response r = head("HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot foundTRAILING");
        assertEquals(404, r.status());
        assertEquals("not found", GatewayClient.readAll(r.body()));
    }

    @Test
    void somethingElseThanHttpIsRefused() {
        assertTrue(assertThrows(IOException.class, () -> head("SSH-2.0-OpenSSH_9.2\r\n")).getMessage().contains("not an HTTP/1.1 answer"));
        assertTrue(assertThrows(IOException.class, () -> head("HTTP/1.1 2x0 OK\r\n\r\n")).getMessage().contains("status line"));
        assertThrows(IOException.class, () -> head(""));
    }

    @Test
    void prefixEndIsEtcdctlsRangeEnd() {
        assertEquals("[98]", java.util.Arrays.toString(KeyRange.prefixEnd(new byte[] {'a'})));
        assertEquals("[98]", java.util.Arrays.toString(KeyRange.prefixEnd(new byte[] {'a', (byte) 0xff})));
        assertEquals("[0]", java.util.Arrays.toString(KeyRange.prefixEnd(new byte[] {(byte) 0xff})));
        assertEquals("/coreos.com/network/subnets0", KeyRange.text(KeyRange.b64PrefixEnd("/coreos.com/network/subnets/")));
    }
}
