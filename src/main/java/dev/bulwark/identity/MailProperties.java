package dev.bulwark.identity;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outgoing mail. With {@code spring.mail.host} set, mail goes out over SMTP (Spring's usual {@code spring.mail.*}
 * settings); without it, each message is written as an .eml file under {@code dir} and the log names the file.
 *
 * @param from      the sender of every mail
 * @param dir       where mails are written as .eml files when no SMTP host is set
 * @param publicUrl the base of links in mails (verification, invitations, password reset)
 */
@ConfigurationProperties("bulwark.mail")
public record MailProperties(
        @DefaultValue("Bulwark <no-reply@localhost>") String from,
        @DefaultValue("./var/mail") Path dir,
        @DefaultValue("http://localhost:8080") String publicUrl) {
}
