package dev.bulwark.identity;

/** What a correct password yields: tokens, or — with a second factor enrolled — the challenge for it. */
public sealed interface LoginResult permits TokenPair, MfaChallenge {
}
