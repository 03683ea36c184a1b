package dev.bulwark.audit.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.AuditProperties;
import dev.bulwark.keys.KeyFiles;
import dev.bulwark.tenancy.TenantScope;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checkpointer signs only with the published key, the one that signed the chain's last checkpoint: a checkpointer
 * holding any other key signs nothing (a new key would make every later checkpoint read as tampering).
 */
class PublishedKeyTest extends IntegrationTest {

    @Autowired
    private Checkpointer checkpointer;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TenantScope tenantScope;
    @Autowired
    private AuditProperties properties;
    @Autowired
    private KeyFiles keyFiles;

    @Test
    void aCheckpointerWithAnotherKeyNeverSignsAChainSignedByThePublishedOne() throws Exception {
        Tenant tenant = newTenant();
        assertThat(checkpointer.checkpoint(tenant.id(), true)).isPresent();
        long published = checkpoints(tenant.id());

        Path otherFile = Files.createTempDirectory("bulwark-other-checkpoint-key-").resolve("audit-checkpoint.key");
        CheckpointKey other = new CheckpointKey(properties.origin(), otherFile, keyFiles);
        Checkpointer impostor = new Checkpointer(jdbc, tenantScope, other, properties, List.of(),
                new StaticListableBeanFactory().getBeanProvider(Clock.class), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        assertThat(call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(), "{\"name\":\"Grows The Chain\"}")
                .statusCode()).isEqualTo(201);

        assertThatThrownBy(() -> impostor.checkpoint(tenant.id(), true)).hasMessageContaining("not signing");
        assertThat(checkpoints(tenant.id())).as("nothing signed by the other key").isEqualTo(published);
        assertThat(checkpointer.checkpoint(tenant.id(), true)).as("the published key still signs").isPresent();
        assertThat(body(call("GET", "/api/v1/orgs/" + tenant.id() + "/audit/verify", tenant.owner(), null)).get("valid")
                .asBoolean()).isTrue();
    }

    private static long checkpoints(UUID org) throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bulwark.audit_checkpoints WHERE tenant_id = ?")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
