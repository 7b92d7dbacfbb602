package dev.vxlab.agent.json;

/** Malformed JSON, or a value that has no JSON form. */
public class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
