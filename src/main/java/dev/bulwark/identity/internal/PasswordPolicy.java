package dev.bulwark.identity.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import org.springframework.stereotype.Component;

/**
 * What a password must be: 12–128 characters (code points), and not weak or common by zxcvbn's estimate
 * (score 3 of 4 or better), counting the user's own email, name and organisation as guessable words.
 */
@Component
public class PasswordPolicy {

    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 128;
    private static final int MIN_SCORE = 3;

    private final Zxcvbn zxcvbn = new Zxcvbn();

    /** Why {@code password} is refused, or empty when it is acceptable. */
    public Optional<String> refusal(String password, List<String> personalWords) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return Optional.of("must be at least " + MIN_LENGTH + " characters");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters");
        }
        Strength strength = zxcvbn.measure(password, personalWords.stream().filter(Objects::nonNull).toList());
        if (strength.getScore() < MIN_SCORE) {
            String warning = strength.getFeedback().getWarning();
            return Optional.of("is too weak or too common" + (warning == null || warning.isBlank() ? "" : ": " + warning));
        }
        return Optional.empty();
    }
}
