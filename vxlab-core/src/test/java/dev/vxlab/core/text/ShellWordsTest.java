package dev.vxlab.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void splitsOnRunsOfWhitespace() {
        assertEquals(List.of("-iface=eth1", "-ip-masq", "--v=2"), ShellWords.split("  -iface=eth1 \t -ip-masq\n--v=2  "));
    }

    @Test
    void emptyAndBlankTextHaveNoWords() {
        assertEquals(List.of(), ShellWords.split(""));
        assertEquals(List.of(), ShellWords.split(" \t "));
    }

    @Test
    void singleQuotesKeepEverythingLiterally() {
        assertEquals(List.of("--iface-regex=^eth[0-9] $", "x"), ShellWords.split("--iface-regex='^eth[0-9] $' x"));
        assertEquals(List.of("a\\\"b"), ShellWords.split("'a\\\"b'"));
    }

    @Test
    void doubleQuotesKeepSpacesAndHonourBackslashBeforeSpecialCharacters() {
        assertEquals(List.of("--node-name", "a b"), ShellWords.split("--node-name \"a b\""));
        assertEquals(List.of("say \"hi\" \\ $ `"), ShellWords.split("\"say \\\"hi\\\" \\\\ \\$ \\`\""));
        // Inside double quotes a backslash before an ordinary character stays.
        assertEquals(List.of("^192\\.168\\."), ShellWords.split("\"^192\\.168\\.\""));
    }

    @Test
    void quotesJoinWithTheSurroundingWord() {
        assertEquals(List.of("--iface=eth 1"), ShellWords.split("--iface=\"eth 1\""));
        assertEquals(List.of("abcd"), ShellWords.split("a'b'\"c\"d"));
    }

    @Test
    void emptyQuotesMakeAnEmptyWord() {
        assertEquals(List.of("a", "", "b"), ShellWords.split("a '' b"));
        assertEquals(List.of(""), ShellWords.split("\"\""));
    }

    @Test
    void unquotedBackslashEscapesTheNextCharacter() {
        assertEquals(List.of("a b", "c"), ShellWords.split("a\\ b c"));
        assertEquals(List.of("'quoted'"), ShellWords.split("\\'quoted\\'"));
    }

    @Test
    void otherQuoteInsideQuotesIsLiteral() {
        assertEquals(List.of("it's"), ShellWords.split("\"it's\""));
        assertEquals(List.of("say \"x\""), ShellWords.split("'say \"x\"'"));
    }

    @Test
    void unterminatedQuotesAreErrors() {
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class, () -> ShellWords.split("--iface='eth1"));
        assertTrue(single.getMessage().startsWith("unterminated ' quote"), single.getMessage());
        assertTrue(single.getMessage().contains("--iface='eth1"), single.getMessage());
        IllegalArgumentException dbl = assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a \"b c"));
        assertTrue(dbl.getMessage().startsWith("unterminated \" quote"), dbl.getMessage());
    }
}
