package dev.bulwark.tenancy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Row-level security as the app role sees it: the database, not the application, keeps tenants apart. */
class TenantIsolationTest extends IntegrationTest {

    private UUID orgA;
    private UUID userA;
    private UUID orgB;
    private UUID userB;

    @BeforeEach
    void twoTenants() {
        var a = signUp(uniqueEmail());
        var b = signUp(uniqueEmail());
        orgA = UUID.fromString(a.get("organisationId").asString());
        userA = UUID.fromString(a.get("userId").asString());
        orgB = UUID.fromString(b.get("organisationId").asString());
        userB = UUID.fromString(b.get("userId").asString());
    }

    @Test
    void withoutTenantBoundTheAppRoleSeesNoRows() throws SQLException {
        try (Connection app = connectAs("bulwark_app")) {
            assertThat(count(app, "SELECT count(*) FROM memberships")).isZero();
        }
    }

    @Test
    void boundToATheAppRoleSeesOnlyARows() throws SQLException {
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            bind(app, orgA);
            assertThat(tenantsVisible(app)).containsOnly(orgA);
            assertThat(count(app, "SELECT count(*) FROM memberships WHERE tenant_id = '" + orgB + "'")).isZero();
            app.rollback();
        }
    }

    @Test
    void insertIntoAnotherTenantIsRefused() throws SQLException {
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            bind(app, orgA);
            assertThatThrownBy(() -> {
                try (PreparedStatement ps = app.prepareStatement(
                        "INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'OWNER')")) {
                    ps.setObject(1, orgB);
                    ps.setObject(2, userA);
                    ps.executeUpdate();
                }
            }).isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            app.rollback();
        }
        assertThat(membershipsOf(orgB)).containsExactly(userB);
    }

    @Test
    void updateMovingARowIntoAnotherTenantIsRefused() throws SQLException {
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            bind(app, orgA);
            assertThatThrownBy(() -> {
                try (PreparedStatement ps = app.prepareStatement("UPDATE memberships SET tenant_id = ? WHERE tenant_id = ?")) {
                    ps.setObject(1, orgB);
                    ps.setObject(2, orgA);
                    ps.executeUpdate();
                }
            }).isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            app.rollback();
        }
        assertThat(membershipsOf(orgA)).containsExactly(userA);
    }

    @Test
    void updateAndDeleteOfAnotherTenantsRowsTouchNothing() throws SQLException {
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            bind(app, orgA);
            try (Statement s = app.createStatement()) {
                assertThat(s.executeUpdate("UPDATE memberships SET role = 'VIEWER' WHERE tenant_id = '" + orgB + "'")).isZero();
                assertThat(s.executeUpdate("DELETE FROM memberships WHERE tenant_id = '" + orgB + "'")).isZero();
            }
            app.commit();
        }
        assertThat(membershipsOf(orgB)).containsExactly(userB);
    }

    @Test
    void appRoleCannotSwitchRowSecurityOff() throws SQLException {
        try (Connection app = connectAs("bulwark_app"); Statement s = app.createStatement()) {
            assertThatThrownBy(() -> s.execute("ALTER TABLE memberships DISABLE ROW LEVEL SECURITY"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            // row_security = off makes a query fail for a role without BYPASSRLS; it never returns unfiltered rows.
            s.execute("SET row_security = off");
            assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM memberships"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void aUserReadsOnlyTheirOwnMembershipsAcrossTenants() throws SQLException {
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            try (PreparedStatement ps = app.prepareStatement("SELECT set_config('app.user_id', ?, true)")) {
                ps.setString(1, userA.toString());
                ps.execute();
            }
            assertThat(tenantsVisible(app)).containsOnly(orgA);
            // ... and may read them, never write them, without a tenant bound.
            try (PreparedStatement ps = app.prepareStatement("UPDATE memberships SET role = 'VIEWER' WHERE user_id = ?")) {
                ps.setObject(1, userA);
                assertThat(ps.executeUpdate()).isZero();
            }
            app.rollback();
        }
    }

    @Test
    void poolOfOneNeverCarriesABindingIntoTheNextWork() {
        HikariDataSource pool = new HikariDataSource();
        try (Connection probe = connectAs("bulwark_app")) {
            pool.setJdbcUrl(probe.getMetaData().getURL());
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        pool.setUsername("bulwark_app");
        pool.setPassword(passwordOf(DATA_DIR, "bulwark_app"));
        pool.setMaximumPoolSize(1);
        try (pool) {
            TenantScope scope = new TenantScope(new DataSourceTransactionManager(pool), JdbcClient.create(pool));
            JdbcClient jdbc = JdbcClient.create(pool);
            String sql = "SELECT tenant_id FROM bulwark.memberships";

            List<UUID> seenByA = scope.inTenant(orgA, null, () -> jdbc.sql(sql).query(UUID.class).list());
            List<UUID> seenByB = scope.inTenant(orgB, null, () -> jdbc.sql(sql).query(UUID.class).list());
            List<UUID> seenUnbound = jdbc.sql(sql).query(UUID.class).list();
            assertThat(seenByA).containsOnly(orgA);
            assertThat(seenByB).containsOnly(orgB);
            assertThat(seenUnbound).isEmpty();

            // A failed transaction leaves no binding behind either.
            assertThatThrownBy(() -> scope.inTenant(orgA, null, () -> {
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(jdbc.sql(sql).query(UUID.class).list()).isEmpty();

            // A nested rebinding is restored when the inner work ends, inside the same transaction.
            List<List<UUID>> nested = scope.inTenant(orgA, null, () -> {
                List<UUID> inner = scope.inTenant(orgB, null, () -> jdbc.sql(sql).query(UUID.class).list());
                List<UUID> outer = jdbc.sql(sql).query(UUID.class).list();
                return List.of(inner, outer);
            });
            assertThat(nested.get(0)).containsOnly(orgB);
            assertThat(nested.get(1)).containsOnly(orgA);
            assertThat(jdbc.sql(sql).query(UUID.class).list()).isEmpty();
        }
    }

    private static void bind(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
            ps.setString(1, tenant.toString());
            ps.execute();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<UUID> tenantsVisible(Connection c) throws SQLException {
        List<UUID> tenants = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tenant_id FROM memberships")) {
            while (rs.next()) {
                tenants.add(rs.getObject(1, UUID.class));
            }
        }
        return tenants;
    }

    /** The members of {@code org}, read as the owner bound to that tenant (FORCE RLS binds the owner too). */
    private static List<UUID> membershipsOf(UUID org) throws SQLException {
        try (Connection owner = connectAs("bulwark_owner")) {
            owner.setAutoCommit(false);
            bind(owner, org);
            List<UUID> users = new ArrayList<>();
            try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT user_id FROM memberships")) {
                while (rs.next()) {
                    users.add(rs.getObject(1, UUID.class));
                }
            }
            owner.rollback();
            return users;
        }
    }
}
