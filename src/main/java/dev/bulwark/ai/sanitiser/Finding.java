package dev.bulwark.ai.sanitiser;

/**
 * One span of the text to replace: {@code [start, end)}, its kind, and the key that numbers it (the same key twice in a
 * session gets the same placeholder: an address in lower case, a phone number in E.164, a card's digits...).
 */
record Finding(int start, int end, Kind kind, String key) {

    Finding {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("empty or negative span");
        }
    }
}
