package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "quickstart", "kube-1", "a234567890123456"})
    void validNames(String name) {
        assertTrue(LabName.isValid(name));
        assertTrue(LabName.PATTERN.matcher(name).matches());
        assertEquals(Optional.empty(), LabName.problem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1lab", "-lab", "Lab", "lab_1", "lab 1", "a2345678901234567", "läb"})
    void invalidNames(String name) {
        assertFalse(LabName.isValid(name));
        assertFalse(LabName.PATTERN.matcher(name).matches());
        assertTrue(LabName.problem(name).isPresent());
    }

    @Test
    void nullIsNoName() {
        assertFalse(LabName.isValid(null));
    }

    @Test
    void theProblemNamesWhatIsWrong() {
        assertEquals(Optional.of("it is empty"), LabName.problem(""));
        assertEquals(Optional.of("it is 17 characters long, at most 16 are allowed"), LabName.problem("a2345678901234567"));
        assertEquals(Optional.of("it must start with a lowercase letter (a-z)"), LabName.problem("Kube"));
        assertEquals(Optional.of("'B' (uppercase) is not allowed"), LabName.problem("kuBe"));
        assertEquals(Optional.of("a space is not allowed"), LabName.problem("my lab"));
        assertEquals(Optional.of("the control character U+0009 is not allowed"), LabName.problem("my\tlab"));
    }
}
