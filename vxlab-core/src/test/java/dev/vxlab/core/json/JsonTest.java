package dev.vxlab.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesAnObjectKeepingMemberOrder() {
        Map<String, Object> m = Json.parseObject("{\"b\":1,\"a\":\"x\",\"c\":[true,false,null],\"d\":{}}");
        assertEquals(List.of("b", "a", "c", "d"), List.copyOf(m.keySet()));
        assertEquals(1L, m.get("b"));
        assertEquals("x", m.get("a"));
        assertEquals(Arrays.asList(true, false, null), m.get("c"));
        assertEquals(Map.of(), m.get("d"));
    }

    @Test
    void parsesScalarsAtTheTopLevel() {
        assertEquals("hi", Json.parse("\"hi\""));
        assertEquals(Boolean.TRUE, Json.parse("true"));
        assertEquals(Boolean.FALSE, Json.parse("false"));
        assertNull(Json.parse("null"));
        assertEquals(42L, Json.parse("42"));
        assertEquals(List.of(), Json.parse("[]"));
    }

    @Test
    void allowsWhitespaceAroundTokens() {
        Object v = Json.parse(" \t\r\n{ \"a\" :\n[ 1 , 2 ] ,\"b\" : { } }\n ");
        assertEquals(Map.of("a", List.of(1L, 2L), "b", Map.of()), v);
    }

    @Test
    void aRepeatedMemberKeepsTheLastValue() {
        assertEquals(Map.of("a", 2L), Json.parse("{\"a\":1,\"a\":2}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "1", "-7", "9223372036854775807", "-9223372036854775808"})
    void integralNumbersAreLongs(String text) {
        Object v = Json.parse(text);
        assertInstanceOf(Long.class, v);
        assertEquals(Long.parseLong(text), v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "-0.25", "1e3", "1E-2", "2.5e+10", "9223372036854775808", "-123456789012345678901234567890"})
    void otherNumbersAreBigDecimals(String text) {
        Object v = Json.parse(text);
        assertInstanceOf(BigDecimal.class, v);
        assertEquals(new BigDecimal(text), v);
    }

    @Test
    void parsesEscapes() {
        assertEquals("\" \\ / \b \f \n \r \t", Json.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\""));
        assertEquals("<é>", Json.parse("\"\\u003c\\u00E9\\u003e\""));
        assertEquals("😀", Json.parse("\"\\ud83d\\ude00\""), "a surrogate pair");
        assertEquals("ünïcødé", Json.parse("\"ünïcødé\""));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                 | unexpected end of JSON at offset 0",
        "`   `              | unexpected end of JSON at offset 3",
        "`{`                | expected a quoted member name at offset 1",
        "`{\"a\"}`          | expected ':' at offset 4",
        "`{\"a\":}`         | unexpected character '}' at offset 5",
        "`{\"a\":1 \"b\":2}`| expected ',' or '}' in object at offset 8",
        "`{\"a\":1,}`       | expected a quoted member name at offset 7",
        "`{a:1}`            | expected a quoted member name at offset 1",
        "`[1,]`             | unexpected character ']' at offset 3",
        "`[1 2]`            | expected ',' or ']' in array at offset 4",
        "`[1`               | unexpected end of JSON at offset 2",
        "`\"abc`            | unexpected end of JSON at offset 4",
        "`tru`              | unexpected token at offset 0",
        "`nul`              | unexpected token at offset 0",
        "`-`                | expected a digit at offset 1",
        "`1.`               | expected a digit at offset 2",
        "`1e`               | expected a digit at offset 2",
        "`.5`               | unexpected character '.' at offset 0",
        "`{} {}`            | unexpected text after the JSON value at offset 3",
        "`1 2`              | unexpected text after the JSON value at offset 2",
        "`\"\\x\"`          | bad escape '\\x' at offset 3",
        "`\"\\u12\"`        | truncated \\u escape at offset 3",
        "`\"\\u12zz\"`      | bad \\u escape at offset 3",
        "`'a'`              | unexpected character ''' at offset 0",
    })
    void malformedTextIsRejectedWithAnOffset(String text, String message) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void controlCharactersMustBeEscapedInStrings() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"a\nb\""));
        assertEquals("control character in string at offset 3", e.getMessage());
    }

    @Test
    void nullTextIsRejected() {
        assertEquals("no JSON text", assertThrows(JsonException.class, () -> Json.parse(null)).getMessage());
    }

    @Test
    void parseObjectRejectsOtherValues() {
        assertEquals("expected a JSON object, got an array",
                assertThrows(JsonException.class, () -> Json.parseObject("[1]")).getMessage());
        assertEquals("expected a JSON object, got null",
                assertThrows(JsonException.class, () -> Json.parseObject("null")).getMessage());
        assertEquals("expected a JSON object, got the string \"x\"",
                assertThrows(JsonException.class, () -> Json.parseObject("\"x\"")).getMessage());
        assertEquals("expected a JSON object, got the number 3",
                assertThrows(JsonException.class, () -> Json.parseObject("3")).getMessage());
        assertEquals("expected a JSON object, got a boolean (true)",
                assertThrows(JsonException.class, () -> Json.parseObject("true")).getMessage());
    }

    @Test
    void describeNamesEachKind() {
        assertEquals("an object", Json.describe(Map.of()));
        assertEquals("an array", Json.describe(List.of()));
        assertEquals("the string \"a\\u003cb\\\"\"", Json.describe("a<b\""));
        assertEquals("the number 2.5", Json.describe(new BigDecimal("2.5")));
    }

    @Test
    void writesCompactlyInInsertionOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put("a", Arrays.asList("x", null, true, 2.5));
        m.put("n", null);
        m.put("o", Map.of());
        assertEquals("{\"z\":1,\"a\":[\"x\",null,true,2.5],\"n\":null,\"o\":{}}", Json.write(m));
    }

    @Test
    void writesNumbersAsGiven() {
        assertEquals("[1,-2,3,0.5,12345678901234567890]",
                Json.write(List.of(1, -2L, (short) 3, new BigDecimal("0.5"), new BigDecimal("12345678901234567890"))));
    }

    @Test
    void writesOtherCollectionsAsArrays() {
        assertEquals("[\"a\",\"b\"]", Json.write(new java.util.TreeSet<>(List.of("b", "a"))));
    }

    @Test
    void writesEscapesAsGoDoes() {
        assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t\"", Json.write("q\" b\\ n\n r\r t\t"));
        assertEquals("\"\\u0000\\u0001\\u0008\\u000c\\u001f\"", Json.write("\u0000\u0001\b\f\u001f"));
        assertEquals("\"/ é 😀\"", Json.write("/ é 😀"), "slash and non-ASCII are written as they are");
    }

    @Test
    void escapesHtmlCharactersAsGoDoes() {
        // encoding/json: json.Marshal("<a href='x'>&</a>") == "\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\""
        assertEquals("\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\"", Json.write("<a href='x'>&</a>"));
    }

    @Test
    void mapKeysAreEscapedToo() {
        assertEquals("{\"a\\\"\\u003c\":1}", Json.write(Map.of("a\"<", 1)));
    }

    @Test
    void refusesValuesWithoutAJsonForm() {
        JsonException e = assertThrows(JsonException.class, () -> Json.write(List.of(new Object())));
        assertEquals("cannot write java.lang.Object as JSON", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"PublicIP\":\"10.99.0.2\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0e:b5:dc:fa:0c:9a\"}}",
        "{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":false}}",
        "[[],{},[{}],\"\",0,-1.25,1E+3,true,false,null]",
        "\"\\u003c\\u0026\\u003e\\\"\\\\\\n\"",
    })
    void compactTextRoundTripsExactly(String text) {
        assertEquals(text, Json.write(Json.parse(text)));
    }

    @Test
    void valuesRoundTripThroughText() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "tab\there \"quoted\" <&> \u0001 ✓");
        m.put("l", 9_007_199_254_740_993L);
        m.put("d", new BigDecimal("-0.001"));
        m.put("list", new ArrayList<>(Arrays.asList(1L, null, Map.of("k", false))));
        assertEquals(m, Json.parse(Json.write(m)));
    }

    @Test
    void parsedNumbersTellIntegralFromDecimal() {
        Map<String, Object> m = Json.parseObject("{\"VNI\":1,\"Ratio\":1.0}");
        assertInstanceOf(Long.class, m.get("VNI"));
        assertInstanceOf(BigDecimal.class, m.get("Ratio"));
        assertTrue(((BigDecimal) m.get("Ratio")).compareTo(BigDecimal.ONE) == 0);
    }
}
