package dev.bulwark.billing.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import com.stripe.net.Webhook;
import dev.bulwark.shared.RefusedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-written Stripe signature check against Stripe's own library (stripe-java, tests only): headers it generates
 * pass, and the edges of the scheme hold: several v1, v0 and unknown schemes, the 300-second tolerance both ways (on a
 * fixed clock, so the bounds are exact), malformed headers.
 */
class StripeSignatureTest {

    private static final String SECRET = "whsec_unit_test_secret_0123456789";
    private static final String PAYLOAD = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"customer.subscription.updated\"}";
    private static final long T = 1_780_000_000L;
    private static final Instant AT_T = Instant.ofEpochSecond(T);

    private final StripeSignature signature = new StripeSignature(SECRET);

    private static byte[] body() {
        return PAYLOAD.getBytes(StandardCharsets.UTF_8);
    }

    private static String stripeHeader(String secret, long t) throws Exception {
        return Webhook.Signature.generateSignatureHeader(PAYLOAD, secret, t);
    }

    private static String v1(String header) {
        return header.substring(header.indexOf("v1=") + 3);
    }

    @Test
    void aHeaderStripesLibraryGeneratesPassesAndStripesLibraryAcceptsWhatPassesHere() throws Exception {
        String header = stripeHeader(SECRET, T);
        assertThat(header).startsWith("t=" + T + ",v1=");
        assertThatCode(() -> signature.verify(header, body(), AT_T)).doesNotThrowAnyException();
        // The library's own verifier agrees on the same header, body and moment.
        assertThat(Webhook.Signature.verifyHeader(PAYLOAD, header, SECRET, 300, Clock.fixed(AT_T, ZoneOffset.UTC))).isTrue();
    }

    @Test
    void oneMatchingV1AmongSeveralPassesAndV0AndUnknownSchemesAreIgnored() throws Exception {
        String right = v1(stripeHeader(SECRET, T));
        String wrong = v1(stripeHeader("whsec_some_other_secret_000000", T));
        String header = "t=" + T + ",v0=" + wrong + ",v1=" + wrong + ",v1=" + right + ",v9=whatever,x=1";
        assertThatCode(() -> signature.verify(header, body(), AT_T)).doesNotThrowAnyException();
        // A v0 alone, even the right value, is not a signature this endpoint accepts.
        assertThatThrownBy(() -> signature.verify("t=" + T + ",v0=" + right, body(), AT_T)).isInstanceOf(RefusedException.class);
    }

    @Test
    void aWrongSecretAChangedBodyOrAChangedTimestampFails() throws Exception {
        assertRefused(stripeHeader("whsec_some_other_secret_000000", T), AT_T, "matches");
        String header = stripeHeader(SECRET, T);
        assertThatThrownBy(() -> signature.verify(header, (PAYLOAD + " ").getBytes(StandardCharsets.UTF_8), AT_T))
                .isInstanceOf(RefusedException.class);
        assertRefused("t=" + (T + 1) + ",v1=" + v1(header), AT_T, "matches");
        // The comparison is of the exact lower-case hex Stripe sends.
        assertRefused("t=" + T + ",v1=" + v1(header).toUpperCase(), AT_T, "matches");
    }

    @Test
    void theToleranceIs300SecondsIntoThePastAndTheFuture() throws Exception {
        String header = stripeHeader(SECRET, T);
        for (long offset : new long[] {-300, -1, 0, 1, 300}) {
            assertThatCode(() -> signature.verify(header, body(), AT_T.plusSeconds(offset))).as("now = t%+d", offset)
                    .doesNotThrowAnyException();
        }
        assertRefused(header, AT_T.plusSeconds(301), "seconds from now");
        assertRefused(header, AT_T.minusSeconds(301), "seconds from now");
        assertRefused(header, AT_T.plusSeconds(86_400), "seconds from now");
        // A stale header is stale whatever its signature: Stripe's library refuses it too.
        assertThatThrownBy(() -> Webhook.Signature.verifyHeader(PAYLOAD, header, SECRET, 300,
                Clock.fixed(AT_T.plusSeconds(301), ZoneOffset.UTC))).isInstanceOf(Exception.class);
    }

    @Test
    void missingAndMalformedHeadersAreRefused() throws Exception {
        String sig = v1(stripeHeader(SECRET, T));
        assertRefused(null, AT_T, "missing");
        assertRefused("", AT_T, "missing");
        for (String malformed : new String[] {
                "garbage", "v1=" + sig, "t=" + T, "t=" + T + ",v0=" + sig, "t=abc,v1=" + sig, "t=-5,v1=" + sig,
                "t=" + T + ",t=" + T + ",v1=" + sig, "t=" + T + ",,v1=" + sig, "=x,t=" + T + ",v1=" + sig,
                "t=99999999999999999999,v1=" + sig, "t=" + T + ",v1=" + sig + "," + "x".repeat(5000)}) {
            assertRefused(malformed, AT_T, "malformed");
        }
    }

    private void assertRefused(String header, Instant now, String detail) {
        assertThatThrownBy(() -> signature.verify(header, body(), now))
                .isInstanceOfSatisfying(RefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.slug()).isEqualTo("signature-invalid");
                    assertThat(e.getMessage()).contains(detail);
                });
    }
}
