package dev.bulwark.tenancy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.bulwark.shared.ModuleTables;
import dev.bulwark.tenancy.internal.database.DatabaseProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads {@code pg_catalog} and reports every way the schema or the app role breaks the isolation rules of
 * docs/architecture.md. Empty means: each table is owned by exactly one module, is the kind its module declares
 * ({@link ModuleTables}: tenant, user, global) and keeps that kind's rules, and the app role owns nothing, is not superuser, has no BYPASSRLS and inherits from no role. The build fails on
 * any violation (IsolationCatalogTest); the trust center runs the same check live.
 */
@Component
public class IsolationCatalog {

    /** One broken rule: what breaks it and which rule. */
    public record Violation(String subject, String rule) {
        @Override
        public String toString() {
            return subject + ": " + rule;
        }
    }

    /** The policy expression every tenant table must use, as PostgreSQL prints it back. */
    static final String TENANT_PREDICATE =
            "(tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)";
    /** The policy expression of user tables (and of a user reading their own memberships). */
    static final String USER_PREDICATE =
            "(user_id = (NULLIF(current_setting('app.user_id'::text, true), ''::text))::uuid)";

    private record Table(long oid, String name, char kind, boolean rls, boolean forceRls, String options) {
    }

    private record Policy(String name, char command, boolean permissive, String using, String check) {
    }

    private final JdbcClient jdbc;
    private final DatabaseProperties database;
    private final List<ModuleTables> modules;

    IsolationCatalog(JdbcClient jdbc, DatabaseProperties database, List<ModuleTables> modules) {
        this.jdbc = jdbc;
        this.database = database;
        this.modules = List.copyOf(modules);
    }

    /** Every violation found now; empty when the schema and roles keep every rule. */
    public List<Violation> violations() {
        List<Violation> found = new ArrayList<>();
        for (Table table : tables()) {
            checkTable(table, found);
        }
        checkAppRole(found);
        return found;
    }

    /** Names of the tenant tables (tables carrying {@code tenant_id}) in the app schema. */
    public List<String> tenantTables() {
        return tables().stream()
                .filter(t -> t.kind() == 'r' || t.kind() == 'p')
                .filter(t -> columns(t).contains("tenant_id"))
                .map(Table::name)
                .toList();
    }

    private List<Table> tables() {
        return jdbc.sql("""
                        SELECT c.oid, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
                               coalesce(array_to_string(c.reloptions, ','), '') AS options
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                        ORDER BY c.relname
                        """)
                .param("schema", database.schema())
                .query((rs, n) -> new Table(rs.getLong("oid"), rs.getString("relname"), rs.getString("relkind").charAt(0),
                        rs.getBoolean("relrowsecurity"), rs.getBoolean("relforcerowsecurity"), rs.getString("options")))
                .list();
    }

    private void checkTable(Table table, List<Violation> found) {
        String subject = "table " + table.name();
        switch (table.kind()) {
            case 'v' -> {
                // A view runs with its owner's rights unless security_invoker: it would bypass RLS.
                if (!table.options().matches("(^|.*,)security_invoker=(true|on|1)(,.*|$)")) {
                    found.add(new Violation("view " + table.name(), "views must be security_invoker"));
                }
                return;
            }
            case 'm', 'f' -> {
                found.add(new Violation(subject, "materialized views and foreign tables are of no listed kind"));
                return;
            }
            default -> {
            }
        }
        List<String> owners = modules.stream().filter(m -> m.find(table.name()).isPresent()).map(ModuleTables::module).toList();
        if (owners.size() > 1) {
            found.add(new Violation(subject, "owned by more than one module: " + owners));
        }
        Optional<ModuleTables.Table> declared = ModuleTables.find(modules, table.name());
        Set<String> columns = columns(table);
        if (declared.isEmpty()) {
            found.add(new Violation(subject, "owned by no module: declare it in its module's ModuleTables"));
        }
        ModuleTables.Kind kind = declared.map(ModuleTables.Table::kind)
                .orElse(columns.contains("tenant_id") ? ModuleTables.Kind.TENANT
                        : columns.contains("user_id") ? ModuleTables.Kind.USER : null);
        if (kind == null) {
            found.add(new Violation(subject, "of no listed kind: no tenant_id, no user_id, not a declared global table"));
            return;
        }
        switch (kind) {
            case GLOBAL -> checkGlobal(table, declared.orElseThrow(), found);
            case TENANT -> {
                if (!columns.contains("tenant_id")) {
                    found.add(new Violation(subject, "declared a tenant table but has no tenant_id"));
                }
                checkTenant(table, found);
            }
            case USER -> {
                if (!columns.contains("user_id")) {
                    found.add(new Violation(subject, "declared a user table but has no user_id"));
                }
                checkUser(table, found);
            }
        }
    }

    private boolean global(String table) {
        return ModuleTables.find(modules, table).filter(t -> t.kind() == ModuleTables.Kind.GLOBAL).isPresent();
    }

    private void checkTenant(Table table, List<Violation> found) {
        String subject = "tenant table " + table.name();
        requireForcedRls(table, subject, found);
        for (Map.Entry<String, String> index : uniqueIndexFirstColumns(table).entrySet()) {
            if (!"tenant_id".equals(index.getValue())) {
                found.add(new Violation(subject, "unique index or primary key " + index.getKey()
                        + " must lead with tenant_id"));
            }
        }
        if (!hasPrimaryKey(table)) {
            found.add(new Violation(subject, "must have a primary key leading with tenant_id"));
        }
        for (ForeignKey fk : foreignKeys(table)) {
            boolean toGlobal = global(fk.referencedTable());
            if (!toGlobal && !"tenant_id".equals(fk.firstColumn())) {
                found.add(new Violation(subject, "foreign key " + fk.name() + " to tenant data must lead with tenant_id"));
            }
        }
        List<Policy> policies = policies(table);
        boolean isolating = policies.stream().anyMatch(p -> p.permissive() && p.command() == '*'
                && TENANT_PREDICATE.equals(p.using()) && TENANT_PREDICATE.equals(p.check()));
        if (!isolating) {
            found.add(new Violation(subject, "needs a policy FOR ALL with USING and WITH CHECK on app.tenant_id"));
        }
        for (Policy p : policies) {
            boolean tenantPolicy = p.command() == '*' && TENANT_PREDICATE.equals(p.using()) && TENANT_PREDICATE.equals(p.check());
            boolean ownRowsRead = p.command() == 'r' && USER_PREDICATE.equals(p.using());
            // Permissive policies are OR-ed: any other one would widen what a tenant sees.
            if (p.permissive() && !tenantPolicy && !ownRowsRead) {
                found.add(new Violation(subject, "policy " + p.name() + " widens access beyond the tenant"));
            }
        }
    }

    private void checkUser(Table table, List<Violation> found) {
        String subject = "user table " + table.name();
        requireForcedRls(table, subject, found);
        List<Policy> policies = policies(table);
        boolean isolating = policies.stream().anyMatch(p -> p.permissive() && p.command() == '*'
                && USER_PREDICATE.equals(p.using()) && USER_PREDICATE.equals(p.check()));
        if (!isolating) {
            found.add(new Violation(subject, "needs a policy FOR ALL with USING and WITH CHECK on app.user_id"));
        }
        for (Policy p : policies) {
            boolean userPolicy = p.command() == '*' && USER_PREDICATE.equals(p.using()) && USER_PREDICATE.equals(p.check());
            if (p.permissive() && !userPolicy) {
                found.add(new Violation(subject, "policy " + p.name() + " widens access beyond the user"));
            }
        }
    }

    private void checkGlobal(Table table, ModuleTables.Table global, List<Violation> found) {
        if (!global.appRoleMayAccess()) {
            Boolean any = jdbc.sql("""
                            SELECT has_table_privilege(:role, :oid::oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                            """)
                    .param("role", database.appUser())
                    .param("oid", table.oid())
                    .query(Boolean.class)
                    .single();
            if (any) {
                found.add(new Violation("global table " + table.name(), "the app role must have no privilege on it"));
            }
        }
    }

    private void requireForcedRls(Table table, String subject, List<Violation> found) {
        if (!table.rls()) {
            found.add(new Violation(subject, "row-level security must be ENABLEd"));
        }
        if (!table.forceRls()) {
            found.add(new Violation(subject, "row-level security must be FORCEd (applies to the owner too)"));
        }
    }

    private void checkAppRole(List<Violation> found) {
        String role = database.appUser();
        String subject = "app role " + role;
        Optional<Map<String, Object>> attributes = jdbc.sql("""
                        SELECT oid, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication, rolcanlogin
                        FROM pg_roles WHERE rolname = :role
                        """)
                .param("role", role)
                .query()
                .listOfRows()
                .stream()
                .findFirst();
        if (attributes.isEmpty()) {
            found.add(new Violation(subject, "does not exist"));
            return;
        }
        Map<String, Object> a = attributes.get();
        if (Boolean.TRUE.equals(a.get("rolsuper"))) {
            found.add(new Violation(subject, "must not be superuser"));
        }
        if (Boolean.TRUE.equals(a.get("rolbypassrls"))) {
            found.add(new Violation(subject, "must not have BYPASSRLS"));
        }
        if (Boolean.TRUE.equals(a.get("rolcreaterole")) || Boolean.TRUE.equals(a.get("rolcreatedb"))
                || Boolean.TRUE.equals(a.get("rolreplication"))) {
            found.add(new Violation(subject, "must not have CREATEROLE, CREATEDB or REPLICATION"));
        }
        long owned = jdbc.sql("""
                        SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid)
                             + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
                             + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
                             + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
                             + (SELECT count(*) FROM pg_database WHERE datdba = r.oid)
                        FROM pg_roles r WHERE r.rolname = :role
                        """)
                .param("role", role)
                .query(Long.class)
                .single();
        if (owned > 0) {
            found.add(new Violation(subject, "must own nothing, owns " + owned + " objects"));
        }
        // Membership in another role could lend it ownership or attributes it must not have.
        List<String> memberOf = jdbc.sql("""
                        SELECT g.rolname FROM pg_auth_members m
                        JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
                        WHERE r.rolname = :role
                        """)
                .param("role", role)
                .query(String.class)
                .list();
        if (!memberOf.isEmpty()) {
            found.add(new Violation(subject, "must be a member of no role, is a member of " + memberOf));
        }
    }

    private Set<String> columns(Table table) {
        return Set.copyOf(jdbc.sql("SELECT attname FROM pg_attribute WHERE attrelid = :oid::oid AND attnum > 0 AND NOT attisdropped")
                .param("oid", table.oid())
                .query(String.class)
                .list());
    }

    private boolean hasPrimaryKey(Table table) {
        return jdbc.sql("SELECT count(*) FROM pg_index WHERE indrelid = :oid::oid AND indisprimary")
                .param("oid", table.oid())
                .query(Long.class)
                .single() > 0;
    }

    /** Each unique index (primary key included) with the name of its first key column (null for an expression). */
    private Map<String, String> uniqueIndexFirstColumns(Table table) {
        return jdbc.sql("""
                        SELECT ic.relname AS index_name,
                               (SELECT a.attname FROM pg_attribute a
                                WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0]) AS first_column
                        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                        WHERE i.indrelid = :oid::oid AND i.indisunique
                        """)
                .param("oid", table.oid())
                .query((rs, n) -> Map.entry(rs.getString("index_name"), String.valueOf(rs.getString("first_column"))))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private record ForeignKey(String name, String referencedTable, String firstColumn) {
    }

    private List<ForeignKey> foreignKeys(Table table) {
        return jdbc.sql("""
                        SELECT con.conname, ref.relname AS referenced,
                               (SELECT a.attname FROM pg_attribute a
                                WHERE a.attrelid = con.conrelid AND a.attnum = con.conkey[1]) AS first_column
                        FROM pg_constraint con JOIN pg_class ref ON ref.oid = con.confrelid
                        WHERE con.conrelid = :oid::oid AND con.contype = 'f'
                        """)
                .param("oid", table.oid())
                .query((rs, n) -> new ForeignKey(rs.getString("conname"), rs.getString("referenced"), rs.getString("first_column")))
                .list();
    }

    private List<Policy> policies(Table table) {
        return jdbc.sql("""
                        SELECT polname, polcmd, polpermissive,
                               pg_get_expr(polqual, polrelid) AS using_expr,
                               pg_get_expr(polwithcheck, polrelid) AS check_expr
                        FROM pg_policy WHERE polrelid = :oid::oid
                        """)
                .param("oid", table.oid())
                .query((rs, n) -> new Policy(rs.getString("polname"), rs.getString("polcmd").charAt(0),
                        rs.getBoolean("polpermissive"), rs.getString("using_expr"), rs.getString("check_expr")))
                .list();
    }
}
