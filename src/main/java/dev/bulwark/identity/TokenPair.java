package dev.bulwark.identity;

/** What a successful sign-in or refresh answers (docs/api.md). */
public record TokenPair(String accessToken, String refreshToken, String tokenType, long expiresIn) implements LoginResult {

    @Override
    public String toString() {
        return "TokenPair[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
    }
}
