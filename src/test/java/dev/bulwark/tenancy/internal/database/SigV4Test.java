package dev.bulwark.tenancy.internal.database;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signer against AWS's published example ("Signature Calculations for the Authorization Header", S3 API reference:
 * GET Object of {@code examplebucket/test.txt} with {@code Range: bytes=0-9} on 2013-05-24 with the documented
 * example key pair): the canonical request's hash and the signature must be the published ones.
 */
class SigV4Test {

    private static final String ACCESS = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final Instant AT = Instant.parse("2013-05-24T00:00:00Z");

    @Test
    void signsAwssPublishedGetObjectExample() {
        Map<String, String> headers = new SigV4("us-east-1", ACCESS, SECRET).sign("GET", "examplebucket.s3.amazonaws.com",
                "/test.txt", "", Map.of("Range", "bytes=0-9"), SigV4.EMPTY_SHA256, AT);
        assertThat(headers.get("x-amz-date")).isEqualTo("20130524T000000Z");
        assertThat(headers.get("x-amz-content-sha256")).isEqualTo(SigV4.EMPTY_SHA256);
        assertThat(headers.get("Range")).isEqualTo("bytes=0-9");
        assertThat(headers.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                + "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void theCanonicalRequestHashesToThePublishedValue() {
        TreeMap<String, String> signed = new TreeMap<>(Map.of("host", "examplebucket.s3.amazonaws.com", "range", "bytes=0-9",
                "x-amz-content-sha256", SigV4.EMPTY_SHA256, "x-amz-date", "20130524T000000Z"));
        String canonical = SigV4.canonicalRequest("GET", "/test.txt", "", signed, SigV4.EMPTY_SHA256);
        assertThat(SigV4.sha256Hex(canonical)).isEqualTo("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    }

    @Test
    void aDifferentSecretOrTimeGivesAnotherSignature() {
        String good = new SigV4("us-east-1", ACCESS, SECRET).sign("GET", "h", "/k", "", Map.of(), SigV4.EMPTY_SHA256, AT)
                .get("Authorization");
        assertThat(new SigV4("us-east-1", ACCESS, SECRET + "x").sign("GET", "h", "/k", "", Map.of(), SigV4.EMPTY_SHA256, AT)
                .get("Authorization")).isNotEqualTo(good);
        assertThat(new SigV4("us-east-1", ACCESS, SECRET).sign("GET", "h", "/k", "", Map.of(), SigV4.EMPTY_SHA256,
                AT.plusSeconds(1)).get("Authorization")).isNotEqualTo(good);
        assertThat(good).doesNotContain(SECRET);
    }

    @Test
    void keysAreEncodedSegmentBySegment() {
        assertThat(SigV4.encodePath("bulwark/wal/000000010000000000000003")).isEqualTo("bulwark/wal/000000010000000000000003");
        assertThat(SigV4.encodePath("a b/ü+=~_.-")).isEqualTo("a%20b/%C3%BC%2B%3D~_.-");
    }
}
