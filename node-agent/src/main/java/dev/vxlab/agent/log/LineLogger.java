package dev.vxlab.agent.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * vxlabd's log line: {@code 2026-11-25T15:14:05.150Z INFO DataPlane - Subnet added: 10.244.2.0/24}, the format
 * slf4j-simple printed with vxlabd's settings, written to stderr in one {@code write(2)} per line.
 *
 * <p>Why not slf4j-simple: every agent logs a line per lease event, and every agent of a cluster handles every
 * event; slf4j-simple formats the time through {@code SimpleDateFormat}/{@code Calendar} and writes through
 * {@code PrintStream}'s layers, which was the largest part of an event's work on the agent's thread while that
 * code path is still interpreted. Here the time is plain arithmetic on the epoch millis (always UTC).
 */
final class LineLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final OutputStream ERR = new FileOutputStream(FileDescriptor.err);

    private final String shortName;
    private final int threshold; // slf4j's Level.toInt() of the lowest level printed
    private final transient OutputStream out;

    LineLogger(String name, Level threshold, OutputStream out) {
        this.name = name;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
        this.threshold = threshold == null ? Integer.MAX_VALUE : threshold.toInt();
        this.out = out;
    }

    static LineLogger toStderr(String name, Level threshold) {
        return new LineLogger(name, threshold, ERR);
    }

    private boolean on(Level level) {
        return level.toInt() >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
        return on(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return on(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return on(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return on(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return on(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        out(line(System.currentTimeMillis(), level, shortName, MessageFormatter.basicArrayFormat(pattern, args), t));
    }

    static String line(long epochMillis, Level level, String logger, String message, Throwable t) {
        StringBuilder sb = new StringBuilder(48 + logger.length() + (message == null ? 4 : message.length()));
        timestamp(sb, epochMillis);
        sb.append(' ').append(level.name()).append(' ').append(logger).append(" - ").append(message).append('\n');
        if (t != null) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            sb.append(w);
        }
        return sb.toString();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC, from the epoch millis (civil date from days: H. Hinnant's algorithm). */
    static void timestamp(StringBuilder sb, long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        long ms = Math.floorMod(epochMillis, 86_400_000L);
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, ms / 3_600_000, 2).append(':');
        pad(sb, ms / 60_000 % 60, 2).append(':');
        pad(sb, ms / 1000 % 60, 2).append('.');
        pad(sb, ms % 1000, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    private void out(String line) {
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8)); // one write: lines of several threads do not mix
        } catch (IOException e) {
            // stderr is gone: nothing to tell it with
        }
    }
}
