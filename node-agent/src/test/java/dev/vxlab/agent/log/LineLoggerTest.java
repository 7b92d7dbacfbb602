package dev.vxlab.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class LineLoggerTest {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static String stamp(long ms) {
        StringBuilder sb = new StringBuilder();
        LineLogger.timestamp(sb, ms);
        return sb.toString();
    }

    @Test
    void timestampMatchesJavaTimeAcrossCenturiesLeapDaysAndTheEpoch() {
        long[] fixed = {0, -1, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L /* 2100-02-28T23:59:59.999 */,
            4_107_542_400_000L /* 2100-03-01: not a leap year */, 1_795_570_445_150L, 253_402_300_799_999L /* 9999-12-31 */};
        for (long ms : fixed) {
            assertEquals(ISO.format(Instant.ofEpochMilli(ms)), stamp(ms), "at " + ms);
        }
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long ms = r.nextLong(253_402_300_799_999L);
            assertEquals(ISO.format(Instant.ofEpochMilli(ms)), stamp(ms), "at " + ms);
        }
    }

    @Test
    void lineHasSlf4jSimplesLayoutAndAStackTraceWhenGiven() {
        assertEquals("2026-11-25T15:14:05.150Z INFO DataPlane - Subnet added: 10.244.2.0/24\n",
                LineLogger.line(Instant.parse("2026-11-25T15:14:05.150Z").toEpochMilli(), Level.INFO, "DataPlane",
                        "Subnet added: 10.244.2.0/24", null));
        String withTrace = LineLogger.line(0, Level.WARN, "Agent", "boom", new IllegalStateException("why"));
        assertTrue(withTrace.startsWith("1970-01-01T00:00:00.000Z WARN Agent - boom\njava.lang.IllegalStateException: why\n\tat "), withTrace);
    }

    @Test
    void levelsFilterAndArgumentsAreFormattedInOneWrite() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LineLogger log = new LineLogger("dev.vxlab.agent.backend.DataPlane", Level.INFO, out);
        log.debug("not shown {}", 1);
        log.info("Subnet added: {}", "10.244.2.0/24");
        log.warn("{} and {}", "a", "b");
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].endsWith(" INFO DataPlane - Subnet added: 10.244.2.0/24"), lines[0]);
        assertTrue(lines[1].endsWith(" WARN DataPlane - a and b"), lines[1]);
        assertFalse(log.isDebugEnabled());
        assertFalse(new LineLogger("x", null, out).isErrorEnabled(), "no level: nothing printed");
    }

    @Test
    void ownClassesAtTheGivenLevelTheEtcdClientStackAtErrorTheRestAtWarn() {
        LineLoggerProvider.install(Level.DEBUG);
        try {
            assertEquals(Level.DEBUG, LineLoggerProvider.levelFor("dev.vxlab.agent.Agent"));
            assertEquals(Level.ERROR, LineLoggerProvider.levelFor("io.grpc.netty.NettyClientHandler"));
            assertEquals(Level.ERROR, LineLoggerProvider.levelFor("io.etcd.jetcd.impl.WatchImpl"));
            assertEquals(Level.WARN, LineLoggerProvider.levelFor("org.example.Other"));
        } finally {
            System.clearProperty("slf4j.provider");
            System.clearProperty("slf4j.internal.verbosity");
            LineLoggerProvider.install(Level.INFO);
            System.clearProperty("slf4j.provider");
            System.clearProperty("slf4j.internal.verbosity");
        }
    }
}
