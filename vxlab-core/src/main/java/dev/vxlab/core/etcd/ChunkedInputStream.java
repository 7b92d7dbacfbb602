package dev.vxlab.core.etcd;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The body of an HTTP/1.1 response sent with {@code Transfer-Encoding: chunked} (RFC 9112 §7.1), decoded. */
final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long left; // bytes left in the current chunk
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (left == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new EOFException("connection closed inside a chunk");
        }
        left -= n;
        if (left == 0) {
            crlf();
        }
        return n;
    }

    /** Reads the next chunk's size line; false after the last (empty) chunk and its trailers. */
    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        String line = HttpLines.read(in);
        if (line == null) {
            throw new EOFException("connection closed between chunks");
        }
        int semi = line.indexOf(';'); // chunk extensions
        String size = (semi < 0 ? line : line.substring(0, semi)).trim();
        try {
            left = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line: " + line);
        }
        if (left < 0) {
            throw new IOException("bad chunk size line: " + line);
        }
        if (left == 0) {
            done = true;
            for (String t = HttpLines.read(in); t != null && !t.isEmpty(); t = HttpLines.read(in)) {
                // trailers: ignored
            }
            return false;
        }
        return true;
    }

    private void crlf() throws IOException {
        String rest = HttpLines.read(in);
        if (rest == null || !rest.isEmpty()) {
            throw new IOException("chunk not followed by CRLF");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
