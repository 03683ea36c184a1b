package dev.bulwark.tenancy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared notification listener against the real cluster, through a loopback proxy that can go silent without
 * closing anything: a connection that dies without a word (a half-open socket) is noticed and replaced, and the owner
 * is told it cannot hear meanwhile.
 */
class NotificationListenerTest extends IntegrationTest {

    private static final String CHANNEL = "bulwark_listener_test";

    /** What the handler was told, in order. */
    private static final class Recorder implements NotificationListener.Handler {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Override
        public void listening() {
            started.incrementAndGet();
        }

        @Override
        public void heard(String payload) {
            heard.add(payload);
        }

        @Override
        public void stopped() {
            stopped.incrementAndGet();
        }
    }

    @Test
    void aConnectionThatGoesSilentIsNoticedAndReplacedAndNotificationsAreHeardAgain() throws Exception {
        int port;
        try (Connection c = connectAs("postgres"); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT inet_server_port()")) {
            assertThat(r.next()).isTrue();
            port = r.getInt(1);
        }
        String password = passwordOf(DATA_DIR, "bulwark_app");
        try (SilenceableProxy proxy = new SilenceableProxy(port)) {
            DedicatedConnections connections = application -> {
                Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port()
                        + "/bulwark?ApplicationName=" + application, "bulwark_app", password);
                c.setAutoCommit(true);
                return c;
            };
            Recorder recorder = new Recorder();
            try (NotificationListener listener = NotificationListener.start(connections, "bulwark-listener-test", CHANNEL,
                    "The test listener", "nothing happens", recorder)) {
                await("listening", listener::listening);
                assertThat(recorder.started.get()).isEqualTo(1);
                notify("first");
                await("the first notification heard", () -> recorder.heard.contains("first"));

                // The proxy stops passing bytes and closes nothing: PostgreSQL still sees a connection, the listener a
                // socket that never answers. Polls return empty, and the check that follows times out.
                proxy.silenceAll();
                await("the silent connection noticed", () -> !listener.listening());
                assertThat(recorder.stopped.get()).isPositive();
                assertThat(listener.losses()).isPositive();

                // New connections through the proxy pass bytes again: the listener is back, and hears.
                await("listening again", listener::listening);
                assertThat(recorder.started.get()).isEqualTo(2);
                notify("second");
                await("a notification after the loss heard", () -> recorder.heard.contains("second"));
            }
            assertThat(recorder.stopped.get()).as("told on close").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aChannelIsAnIdentifierNeverSql() {
        DedicatedConnections none = application -> {
            throw new SQLException("not reached");
        };
        for (String channel : List.of("x; DROP TABLE bulwark.users", "Upper", "", "a\"b", "x".repeat(64))) {
            assertThatThrownBy(() -> NotificationListener.start(none, "t", channel, "t", "t", new Recorder()))
                    .as(channel).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void notify(String payload) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, payload);
            s.execute();
        }
    }

    /** Waits up to 60 s (a saturated machine) for {@code condition}. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    /** A loopback TCP proxy to the cluster whose existing connections can be silenced: bytes swallowed, nothing closed. */
    private static final class SilenceableProxy implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<AtomicBoolean> pairs = new CopyOnWriteArrayList<>();

        SilenceableProxy(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        /** Every connection open now stops passing bytes; later ones pass them. */
        void silenceAll() {
            for (AtomicBoolean silent : pairs) {
                silent.set(true);
            }
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    AtomicBoolean silent = new AtomicBoolean();
                    pairs.add(silent);
                    Thread.ofVirtual().start(() -> copy(client, upstream, silent));
                    Thread.ofVirtual().start(() -> copy(upstream, client, silent));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void copy(Socket from, Socket to, AtomicBoolean silent) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (!silent.get()) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // one side went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
