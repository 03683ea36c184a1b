package dev.bulwark.tenancy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog rules of docs/architecture.md, read from pg_catalog. The first test is the build gate; the others plant
 * each kind of mistake (as the owner, as a careless migration would) and prove the gate catches it.
 */
class IsolationCatalogTest extends IntegrationTest {

    @Autowired
    IsolationCatalog catalog;

    @Test
    void everyTableKeepsTheRulesOfItsKindAndTheAppRoleIsPowerless() {
        assertThat(catalog.violations()).isEmpty();
        assertThat(catalog.tenantTables()).contains("memberships");
    }

    @Test
    void tableOfNoListedKindIsCaught() throws SQLException {
        assertCaught("CREATE TABLE zz_orphan (id uuid PRIMARY KEY, note text)", "zz_orphan", "of no listed kind");
    }

    @Test
    void tenantTableWithoutForcedRlsIsCaught() throws SQLException {
        assertCaught("""
                CREATE TABLE zz_notes (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
                ALTER TABLE zz_notes ENABLE ROW LEVEL SECURITY;
                CREATE POLICY p ON zz_notes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
                """, "zz_notes", "FORCEd");
    }

    @Test
    void tenantTableWithoutPolicyIsCaught() throws SQLException {
        assertCaught("""
                CREATE TABLE zz_nopolicy (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
                ALTER TABLE zz_nopolicy ENABLE ROW LEVEL SECURITY;
                ALTER TABLE zz_nopolicy FORCE ROW LEVEL SECURITY;
                """, "zz_nopolicy", "needs a policy FOR ALL");
    }

    @Test
    void policyWithoutWithCheckIsCaught() throws SQLException {
        assertCaught("""
                CREATE TABLE zz_nocheck (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
                ALTER TABLE zz_nocheck ENABLE ROW LEVEL SECURITY;
                ALTER TABLE zz_nocheck FORCE ROW LEVEL SECURITY;
                CREATE POLICY p ON zz_nocheck USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
                """, "zz_nocheck", "needs a policy FOR ALL");
    }

    @Test
    void uniqueIndexNotLedByTenantIsCaught() throws SQLException {
        assertCaught(tenantTable("zz_unique") + "CREATE UNIQUE INDEX zz_unique_code ON zz_unique (code);",
                "zz_unique", "zz_unique_code must lead with tenant_id");
    }

    @Test
    void primaryKeyNotLedByTenantIsCaught() throws SQLException {
        assertCaught("""
                CREATE TABLE zz_pk (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);
                ALTER TABLE zz_pk ENABLE ROW LEVEL SECURITY;
                ALTER TABLE zz_pk FORCE ROW LEVEL SECURITY;
                CREATE POLICY p ON zz_pk USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
                """, "zz_pk", "zz_pk_pkey must lead with tenant_id");
    }

    @Test
    void wideningPolicyIsCaught() throws SQLException {
        assertCaught(tenantTable("zz_wide") + "CREATE POLICY everyone ON zz_wide FOR SELECT USING (true);",
                "zz_wide", "widens access");
    }

    @Test
    void foreignKeyToTenantDataNotLedByTenantIsCaught() throws SQLException {
        assertCaught(tenantTable("zz_parent") + tenantTable("zz_child")
                        + "ALTER TABLE zz_parent ADD CONSTRAINT zz_parent_id_key UNIQUE (tenant_id, id, code);"
                        + "CREATE UNIQUE INDEX zz_parent_loose ON zz_parent (tenant_id, code);"
                        + "ALTER TABLE zz_child ADD COLUMN parent_code text;"
                        + "ALTER TABLE zz_child ADD CONSTRAINT zz_child_parent FOREIGN KEY (parent_code, tenant_id) "
                        + "REFERENCES zz_parent (code, tenant_id);",
                "zz_child", "foreign key zz_child_parent");
    }

    @Test
    void userTableWithoutUserPolicyIsCaught() throws SQLException {
        assertCaught("""
                CREATE TABLE zz_factors (user_id uuid NOT NULL, id uuid PRIMARY KEY);
                ALTER TABLE zz_factors ENABLE ROW LEVEL SECURITY;
                ALTER TABLE zz_factors FORCE ROW LEVEL SECURITY;
                """, "zz_factors", "app.user_id");
    }

    @Test
    void viewThatBypassesRlsIsCaught() throws SQLException {
        assertCaught("CREATE VIEW zz_members AS SELECT * FROM memberships", "zz_members", "security_invoker");
    }

    @Test
    void appRoleThatOwnsSomethingIsCaught() throws SQLException {
        assertCaught(tenantTable("zz_owned") + "ALTER TABLE zz_owned OWNER TO bulwark_app;", "bulwark_app", "must own nothing");
    }

    @Test
    void appRoleWithBypassRlsIsCaught() throws SQLException {
        try (Connection superuser = superuser(); Statement s = superuser.createStatement()) {
            s.execute("ALTER ROLE bulwark_app BYPASSRLS");
            try {
                assertThat(catalog.violations()).anySatisfy(v -> assertThat(v.toString()).contains("BYPASSRLS"));
            } finally {
                s.execute("ALTER ROLE bulwark_app NOBYPASSRLS");
            }
        }
        assertThat(catalog.violations()).isEmpty();
    }

    private static String tenantTable(String name) {
        return """
                CREATE TABLE %1$s (tenant_id uuid NOT NULL, id uuid NOT NULL, code text, PRIMARY KEY (tenant_id, id));
                ALTER TABLE %1$s ENABLE ROW LEVEL SECURITY;
                ALTER TABLE %1$s FORCE ROW LEVEL SECURITY;
                CREATE POLICY p ON %1$s USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
                """.formatted(name);
    }

    /** Plants {@code ddl}, expects a violation naming {@code subject} and {@code rule}, then removes it again. */
    private void assertCaught(String ddl, String subject, String rule) throws SQLException {
        try (Connection owner = superuser()) {
            try (Statement s = owner.createStatement()) {
                s.execute("SET search_path = bulwark");
                s.execute(ddl);
            }
            try {
                List<IsolationCatalog.Violation> violations = catalog.violations();
                assertThat(violations).anySatisfy(v -> assertThat(v.toString()).contains(subject).contains(rule));
            } finally {
                try (Statement s = owner.createStatement()) {
                    s.execute("DROP VIEW IF EXISTS zz_members");
                    for (String t : List.of("zz_orphan", "zz_notes", "zz_nopolicy", "zz_nocheck", "zz_unique", "zz_pk",
                            "zz_wide", "zz_child", "zz_parent", "zz_factors", "zz_owned")) {
                        s.execute("DROP TABLE IF EXISTS " + t + " CASCADE");
                    }
                }
            }
        }
        assertThat(catalog.violations()).as("clean again after the planted mistake is removed").isEmpty();
    }

    private static Connection superuser() throws SQLException {
        return connectAs("postgres");
    }
}
