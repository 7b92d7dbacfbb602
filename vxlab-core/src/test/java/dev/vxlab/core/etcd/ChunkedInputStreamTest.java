package dev.vxlab.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkedInputStreamTest {

    private static InputStream chunked(String wire) {
        return new ChunkedInputStream(new BufferedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void decodesChunksWithExtensionsAndTrailers() throws IOException {
        InputStream in = chunked("5\r\nhello\r\n7;ext=1\r\n, world\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\nnext");
        assertEquals("hello, worldabcdefghijklmnopqrstuvwxyz", GatewayClient.readAll(in));
        assertEquals(-1, in.read());
    }

    @Test
    void byteByByteReadsTheSame() throws IOException {
        InputStream in = chunked("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            sb.append((char) c);
        }
        assertEquals("abcde", sb.toString());
    }

    @Test
    void aConnectionThatEndsInsideAChunkIsAnError() {
        assertThrows(EOFException.class, () -> GatewayClient.readAll(chunked("a\r\nabc")));
        assertThrows(EOFException.class, () -> GatewayClient.readAll(chunked("3\r\nabc\r\n")));
    }

    @Test
    void badFramingIsAnError() {
        assertTrue(assertThrows(IOException.class, () -> GatewayClient.readAll(chunked("zz\r\nabc\r\n"))).getMessage().contains("chunk size"));
        assertTrue(assertThrows(IOException.class, () -> GatewayClient.readAll(chunked("3\r\nabcX\r\n0\r\n\r\n"))).getMessage()
                .contains("CRLF"));
    }
}
