package dev.bulwark.ai.internal;

import java.io.InputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Reading providers' JSON without ever quoting it: a parse error becomes an {@link WireFormat.InvalidAnswer}. */
final class JsonAnswers {

    private JsonAnswers() {
    }

    static JsonNode tree(ObjectMapper json, InputStream in) throws WireFormat.InvalidAnswer {
        try {
            JsonNode node = json.readTree(in);
            if (node == null || !node.isObject()) {
                throw new WireFormat.InvalidAnswer("the answer is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            // The parser's message may quote the answer: it is dropped.
            throw new WireFormat.InvalidAnswer("the answer is not JSON");
        }
    }

    static JsonNode tree(ObjectMapper json, String data) throws WireFormat.InvalidAnswer {
        try {
            JsonNode node = json.readTree(data);
            if (node == null || !node.isObject()) {
                throw new WireFormat.InvalidAnswer("an event is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new WireFormat.InvalidAnswer("an event is not JSON");
        }
    }

    /** A non-negative int at {@code node}, null when missing or null; anything else is invalid. */
    static Integer count(JsonNode node) throws WireFormat.InvalidAnswer {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new WireFormat.InvalidAnswer("a token count is not a non-negative integer");
        }
        return node.intValue();
    }

    /** The string at {@code node}, null when missing or null; anything else is invalid. */
    static String text(JsonNode node) throws WireFormat.InvalidAnswer {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw new WireFormat.InvalidAnswer("a text field is not a string");
        }
        return node.stringValue();
    }

    /** The string at {@code node}, or "" when it is anything else: for type tags compared with known names. */
    static String name(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : "";
    }
}
