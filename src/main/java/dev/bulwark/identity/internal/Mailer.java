package dev.bulwark.identity.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

import dev.bulwark.identity.MailProperties;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.OwnerOnlyFiles;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Delivers one mail, over SMTP or as an .eml file: only ever called by {@link MailOutbox}, which queues every mail in
 * the acting transaction and retries a delivery that throws. Never logs a token or a link.
 */
@Component
class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private final ObjectProvider<JavaMailSender> smtp;
    private final MailProperties properties;

    Mailer(ObjectProvider<JavaMailSender> smtp, MailProperties properties) {
        this.smtp = smtp;
        this.properties = properties;
    }

    String link(String pathAndQuery) {
        return properties.publicUrl().replaceAll("/+$", "") + pathAndQuery;
    }

    /** The address with its domain in IDNA ASCII form: the same mailbox, in the form every mail server accepts. */
    private static String asciiDomain(String address) {
        int at = address.lastIndexOf('@');
        try {
            return at < 0 ? address : address.substring(0, at + 1) + java.net.IDN.toASCII(address.substring(at + 1));
        } catch (IllegalArgumentException notIdna) {
            return address;
        }
    }

    /** Delivers now, or throws {@link IllegalStateException} saying why not (for the outbox to retry). */
    void deliver(String to, String subject, String text) {
        JavaMailSender sender = smtp.getIfAvailable();
        try {
            MimeMessage message = sender != null ? sender.createMimeMessage() : new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(new InternetAddress(properties.from()));
            message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(asciiDomain(to), true));
            message.setSubject(subject, "UTF-8");
            message.setText(text, "UTF-8");
            if (sender != null) {
                sender.send(message);
                log.info("Mail \"{}\" sent over SMTP", subject);
            } else {
                // Mails carry single-use tokens: owner-only, like every other secret file.
                Path file = properties.dir().resolve(Ids.newId() + ".eml");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                message.writeTo(out);
                OwnerOnlyFiles.write(file, out.toByteArray());
                log.info("Mail \"{}\" written to {} (no SMTP configured)", subject, file.toAbsolutePath());
            }
        } catch (MessagingException | MailException | IOException e) {
            throw new IllegalStateException("mail \"" + subject + "\" could not be sent: " + e.getClass().getSimpleName(), e);
        }
    }
}
