package dev.bulwark.egress;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.bulwark.IntegrationTest;
import dev.bulwark.trust.Check;
import dev.bulwark.trust.Control;
import dev.bulwark.trust.internal.Controls;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Egress as the application wires it: the bean with the test configuration's allow list (127.0.0.1:27801-27810 and 27813)
 * delivers to a loopback receiver on one of those ports and refuses the same receiver on any other port; the trust
 * center's live check passes on the running application.
 */
class EgressApplicationTest extends IntegrationTest {

    @Autowired
    private Egress egress;

    @Autowired
    private Controls controls;

    @Test
    void anAllowedLoopbackPortIsReachedAndAnyOtherIsRefused() throws Exception {
        try (ServerSocket receiver = bindOneOf(27801, 27810); LoopbackReceiver other = LoopbackReceiver.counting()) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = receiver.accept()) {
                    LoopbackReceiver.readHead(s.getInputStream());
                    s.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the assertion below reports it
                }
            });
            Egress.Answer answer = egress.send(new Egress.Call("POST", "http://127.0.0.1:" + receiver.getLocalPort() + "/hook",
                    Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8), null));
            assertThat(answer.status()).isEqualTo(204);
            assertThatThrownBy(() -> egress.check("http://127.0.0.1:" + other.port() + "/"))
                    .isInstanceOf(DestinationNotAllowedException.class);
            assertThatThrownBy(() -> egress.check("http://localhost:" + receiver.getLocalPort() + "/"))
                    .isInstanceOf(DestinationNotAllowedException.class);
            assertThat(other.connections()).isZero();
        }
    }

    @Test
    void theTrustCentersEgressCheckPassesOnTheRunningApplication() {
        Check check = controls.all().stream().map(Control::checks).flatMap(List::stream)
                .filter(c -> c.id().equals("egress.internal-addresses")).findFirst().orElseThrow();
        Check.Result result = check.run();
        assertThat(result.status()).as(result.evidence().toString()).isEqualTo(Check.Status.PASS);
        assertThat(result.evidence()).containsEntry("connectionsSeen", 0).containsEntry("allowListEntries", 12);
    }

    /** One of the allowed ports that is free now: another run on the same machine may hold some of them. */
    private static ServerSocket bindOneOf(int first, int last) throws IOException {
        for (int port = first; ; port++) {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
                return socket;
            } catch (BindException taken) {
                socket.close();
                if (port == last) {
                    throw taken;
                }
            }
        }
    }
}
