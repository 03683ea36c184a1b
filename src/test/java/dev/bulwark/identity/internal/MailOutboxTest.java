package dev.bulwark.identity.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox against a real SMTP server that is down, then up: a mail that cannot be delivered stays queued (its
 * action is not undone), is retried later, and is gone from the database once delivered.
 */
class MailOutboxTest extends IntegrationTest {

    private static final int SMTP_PORT = freePort();
    private static GreenMail smtp;

    @Autowired
    private MailOutbox outbox;

    @DynamicPropertySource
    static void smtpThatIsDown(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void aMailThatCannotBeSentIsRetriedLaterAndDeletedOnceSent() throws Exception {
        java.sql.Timestamp start = databaseNow();
        String email = uniqueEmail();
        signUp(email); // the signup stands although its verification mail cannot go out
        assertThat(login(email).has("accessToken")).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int attempts;
        while ((attempts = attemptsOfQueuedMail(start)) < 1) {
            assertThat(System.nanoTime()).as("the first delivery attempt").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(attempts).isEqualTo(1);
        assertThat(secondsUntilNextAttempt(start)).as("the retry waits").isGreaterThan(20);

        smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        sql("UPDATE bulwark.mail_outbox SET next_attempt_at = now() WHERE created_at >= ?", start);
        outbox.drain();

        assertThat(Arrays.stream(smtp.getReceivedMessagesForDomain(email)).map(GreenMailUtil::getBody))
                .anySatisfy(body -> assertThat(body).contains("verify-email?token=bwv_"));
        assertThat(attemptsOfQueuedMail(start)).as("a sent mail leaves no row (and no token) behind").isEqualTo(-1);
    }

    @Test
    void retriesBackOffAndStop() {
        assertThat(MailOutbox.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(MailOutbox.backoff(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(MailOutbox.backoff(8)).isEqualTo(Duration.ofMinutes(64));
        assertThat(MailOutbox.backoff(11)).isEqualTo(Duration.ofHours(2));
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < MailOutbox.MAX_ATTEMPTS; attempt++) {
            total = total.plus(MailOutbox.backoff(attempt));
        }
        assertThat(total).isBetween(Duration.ofHours(6), Duration.ofHours(24));
    }

    /** The attempts of the mail this test queued (after {@code start}), or -1 when none is queued. */
    private static int attemptsOfQueuedMail(java.sql.Timestamp start) throws Exception {
        return (int) query("SELECT coalesce(max(attempts), -1) FROM bulwark.mail_outbox WHERE created_at >= ?", start);
    }

    private static long secondsUntilNextAttempt(java.sql.Timestamp start) throws Exception {
        return query("SELECT extract(epoch FROM max(next_attempt_at) - now())::bigint FROM bulwark.mail_outbox WHERE created_at >= ?", start);
    }

    private static java.sql.Timestamp databaseNow() throws Exception {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement("SELECT now()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static long query(String sql, Object param) throws Exception {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void sql(String sql, Object param) throws Exception {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.executeUpdate();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
