package dev.bulwark.privacy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** When the retention enforcer last finished a run, and how often it should, for the trust center. */
@Service
public class RetentionStatus {

    private final JdbcClient jdbc;
    private final PrivacyProperties properties;

    RetentionStatus(JdbcClient jdbc, PrivacyProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    public Optional<Instant> lastFinished() {
        return jdbc.sql("SELECT last_finished FROM retention_runs WHERE id = 1")
                .query((rs, n) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant))
                .optional()
                .flatMap(o -> o);
    }

    public Duration interval() {
        return properties.enforcerInterval();
    }
}
