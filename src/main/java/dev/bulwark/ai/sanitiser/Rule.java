package dev.bulwark.ai.sanitiser;

/**
 * One detector. It reads {@link Scan#text}, adds what it finds with {@link Scan#add}, and calls {@link Scan#tick} in
 * its loops so that a rule running past the budget fails the call. Rules are shared by every session: stateless.
 */
interface Rule {

    void scan(Scan scan);
}
