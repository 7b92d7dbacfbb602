package dev.vxlab.core.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading the CRLF-terminated lines of HTTP/1.1's head and chunk framing. */
public final class HttpLines {
    private static final int MAX = 8192;

    private HttpLines() {
    }

    /** One line without its CRLF (a bare LF is accepted), or null at the end of the stream before any byte. */
    public static String read(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() >= MAX) {
                throw new IOException("HTTP line longer than " + MAX + " bytes");
            }
            sb.append((char) c);
        }
        if (sb.length() == 0) {
            return null;
        }
        throw new IOException("connection closed inside an HTTP line");
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
