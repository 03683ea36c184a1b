package dev.bulwark.tenancy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL notification channel, listened to on a connection of its own ({@link DedicatedConnections}, outside
 * the pool), for a cache that must drop entries when another instance changes what they hold.
 *
 * <p>The owner's cache may be trusted only while {@link #listening()}: a notification sent while nobody listened is
 * lost, so the {@link Handler} is told when listening starts (drop everything: changes were not heard) and when it
 * stops (stop serving from memory). The connection is checked whenever a poll brings nothing, so a connection that
 * died without a word (a half-open socket, a database restarted elsewhere) is noticed within seconds and replaced. A
 * lost connection is said once in the log at WARN; attempts while the database stays away are DEBUG.
 *
 * <p>Hand-written: PgJDBC delivers notifications only to a caller that polls its connection; no library here wraps
 * that in a loop that reconnects and tells its owner when it cannot hear.
 */
public final class NotificationListener implements AutoCloseable {

    /** What the owner does as listening starts, for each notification, and as listening stops. */
    public interface Handler {

        /** Listening (again): whatever was notified while nobody listened was lost. Called before {@link #listening()} turns true. */
        void listening();

        /** A notification's payload. */
        void heard(String payload);

        /** Listening stopped: called after {@link #listening()} turned false, on a loss and on close. */
        void stopped();
    }

    private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** How long a poll waits for notifications before the connection is checked. */
    private static final int POLL_MILLIS = 1_000;
    private static final int CHECK_SECONDS = 5;
    private static final long RETRY_MILLIS = 500;

    private final DedicatedConnections connections;
    private final String application;
    private final String channel;
    private final String name;
    private final String whileLost;
    private final Handler handler;
    private final AtomicLong losses = new AtomicLong();
    private volatile boolean listening;
    private volatile boolean running = true;
    /** Whether it has listened before: "listening again" is said only after a loss, not at start-up. */
    private boolean listenedBefore;
    private volatile Connection current;
    private final Thread thread;

    private NotificationListener(DedicatedConnections connections, String application, String channel, String name,
                                 String whileLost, Handler handler) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("a channel is a lower-case identifier: " + channel);
        }
        this.connections = Objects.requireNonNull(connections);
        this.application = Objects.requireNonNull(application);
        this.channel = channel;
        this.name = Objects.requireNonNull(name);
        this.whileLost = Objects.requireNonNull(whileLost);
        this.handler = Objects.requireNonNull(handler);
        this.thread = Thread.ofPlatform().daemon().name(application + "-listener").unstarted(this::run);
    }

    /**
     * Starts listening on {@code channel} on a dedicated connection named {@code application}.
     *
     * @param name      the listener in the log ("The session revocation listener")
     * @param whileLost what happens while it cannot hear, for the log ("verified tokens are checked again each time")
     */
    public static NotificationListener start(DedicatedConnections connections, String application, String channel,
                                             String name, String whileLost, Handler handler) {
        NotificationListener listener = new NotificationListener(connections, application, channel, name, whileLost, handler);
        listener.thread.start();
        return listener;
    }

    /** Whether notifications are heard now: only then may the owner serve from memory. */
    public boolean listening() {
        return listening;
    }

    /** How many times listening has stopped so far (for tests that wait for a loss to be seen). */
    public long losses() {
        return losses.get();
    }

    /**
     * For tests: behaves at once as a lost connection does ({@link #listening()} false, the handler told), then drops
     * the connection, so the listener reconnects as it would after a real loss.
     */
    public void simulateLoss() {
        stop();
        closeCurrent();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        closeCurrent(); // unblocks a poll in progress
        thread.interrupt();
        thread.join(3_000);
    }

    private void run() {
        while (running) {
            try (Connection connection = connections.open(application); Statement statement = connection.createStatement()) {
                current = connection;
                statement.execute("LISTEN " + channel); // a checked identifier, not input
                PGConnection pg = connection.unwrap(PGConnection.class);
                handler.listening();
                listening = true;
                if (listenedBefore) {
                    log.info("{} is listening again", name);
                }
                listenedBefore = true;
                while (running && listening) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications == null || notifications.length == 0) {
                        if (running && !connection.isValid(CHECK_SECONDS)) {
                            throw new SQLException("the listening connection no longer answers");
                        }
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        handler.heard(notification.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running && listening) {
                    log.warn("{} lost its connection; {} until it is back: {}", name, whileLost, e.getMessage());
                } else if (running) {
                    // Still not connected (the database is down or restarting): said once already, when it was lost.
                    log.debug("{} cannot connect yet: {}", name, e.getMessage());
                }
            } finally {
                current = null;
                stop();
            }
            pause();
        }
    }

    private void stop() {
        listening = false;
        handler.stopped();
        losses.incrementAndGet();
    }

    private void closeCurrent() {
        Connection connection = current;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing {}'s connection: {}", name, e.getMessage());
            }
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(running ? RETRY_MILLIS : 0);
        } catch (InterruptedException e) {
            running = false;
        }
    }
}
