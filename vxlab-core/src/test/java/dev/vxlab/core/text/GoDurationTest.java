package dev.vxlab.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "30s,       30000",
        "5m,        300000",
        "24h,       86400000",
        "1h30m,     5400000",
        "1.5h,      5400000",
        "500ms,     500",
        "1m30s,     90000",
        "2h45m30s,  9930000",
        ".5s,       500",
        "+10s,      10000",
        "0,         0",
        "0s,        0",
        "' 45s ',   45000",
    })
    void parsesGoDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), GoDuration.parse(text));
    }

    @Test
    void parsesSubMillisecondUnits() {
        assertEquals(Duration.ofNanos(250), GoDuration.parse("250ns"));
        assertEquals(Duration.ofNanos(7_000), GoDuration.parse("7us"));
        assertEquals(Duration.ofNanos(7_000), GoDuration.parse("7µs"));
        assertEquals(Duration.ofNanos(1_500_000), GoDuration.parse("1.5ms"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "5x", "1h 30m", "h", "1d", "s30", "1.5", "1h30"})
    void rejectsTextThatIsNotADuration(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertTrue(e.getMessage().contains("not a duration: \"" + text + "\""), e.getMessage());
        assertTrue(e.getMessage().contains("30s, 5m, 24h, 1h30m"), "the message shows examples: " + e.getMessage());
    }

    @Test
    void rejectsNegativeDurations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("-5s"));
        assertEquals("negative duration \"-5s\"", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptyText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertEquals("empty duration", e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(null));
    }

    @ParameterizedTest(name = "{0} ms prints as {1}")
    @CsvSource({
        "0,         0s",
        "500,       500ms",
        "1,         1ms",
        "1000,      1s",
        "1500,      1.5s",
        "2010,      2.01s",
        "30000,     30s",
        "90000,     1m30s",
        "300000,    5m0s",
        "3600000,   1h0m0s",
        "5400000,   1h30m0s",
        "86400000,  24h0m0s",
        "90061250,  25h1m1.25s",
    })
    void formatsAsGoPrintsDurations(long millis, String expected) {
        assertEquals(expected, GoDuration.format(Duration.ofMillis(millis)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30s", "1m30s", "24h0m0s", "1h30m0s", "500ms", "1.5s"})
    void formatThenParseGivesTheSameDuration(String text) {
        Duration d = GoDuration.parse(text);
        assertEquals(text, GoDuration.format(d));
        assertEquals(d, GoDuration.parse(GoDuration.format(d)));
    }
}
