package dev.vxlab.core.json;

/** Malformed JSON, or a value that has no JSON form. */
public class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
