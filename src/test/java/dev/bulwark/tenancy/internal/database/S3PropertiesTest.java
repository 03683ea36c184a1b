package dev.bulwark.tenancy.internal.database;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bulwark.backup.s3.*}: what stops the start, and a secret key that never shows in the settings' text. */
class S3PropertiesTest {

    private static S3Properties of(String endpoint, String bucket, String access, String secret, String prefix) {
        return new S3Properties(endpoint, bucket, "us-east-1", access, secret, prefix, Duration.ofSeconds(30));
    }

    @Test
    void noEndpointIsNoCopy() {
        assertThat(of(null, null, null, null, null).configured()).isFalse();
        assertThat(of("", null, null, null, null).configured()).isFalse();
    }

    @Test
    void malformedSettingsStopTheStart() {
        assertThatThrownBy(() -> of("ftp://s3.example.com", "bucket", "a", "s", "")).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> of("https://s3.example.com/bucket", "bucket", "a", "s", "")).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> of("https://user@s3.example.com", "bucket", "a", "s", "")).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> of("https://s3.example.com", "Bad_Bucket", "a", "s", "")).hasMessageContaining("bucket");
        assertThatThrownBy(() -> of("https://s3.example.com", "bucket", "a", "", "")).hasMessageContaining("secret-key");
        assertThatThrownBy(() -> of("https://s3.example.com", "bucket", "", "s", "")).hasMessageContaining("access-key");
        assertThatThrownBy(() -> of("https://s3.example.com", "bucket", "a", "s", "/abs")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> of("https://s3.example.com", "bucket", "a", "s", "a b")).hasMessageContaining("prefix");
    }

    @Test
    void theSecretKeyIsNeverInTheText() {
        S3Properties p = of("https://s3.example.com", "bucket", "AKIAEXAMPLE", "very-secret-value", "site-a");
        assertThat(p.configured()).isTrue();
        assertThat(p.toString()).contains("AKIAEXAMPLE").doesNotContain("very-secret-value");
    }
}
