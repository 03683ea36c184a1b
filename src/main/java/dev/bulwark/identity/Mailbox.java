package dev.bulwark.identity;

/** Mail to a person, through identity's outbox: queued in the caller's transaction, sent only after it commits. */
public interface Mailbox {

    void mail(String to, String subject, String text);
}
