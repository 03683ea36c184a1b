package dev.bulwark.shared;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What one module keeps in the database, declared once (docs/architecture.md, "Tables belong to modules"): the tables it
 * owns, each of exactly one kind, with its encrypted columns, what a full export and an organisation purge do with it;
 * and the tables of other modules its SQL names. Each module has one public subclass, a Spring bean, in its API
 * package; the isolation catalogue, re-encryption, the export, the purge and the trust center's ciphertext sweep
 * iterate these beans instead of keeping lists of their own, and {@code TableOwnershipTest} fails on SQL that names a
 * table its module neither owns nor declares it reads. Moving a table to another module is moving its line.
 * Table and column names here are assembled into SQL: they are constants, never input.
 */
public abstract class ModuleTables {

    /** The three kinds of table (docs/architecture.md). */
    public enum Kind {
        /** {@code tenant_id} leads every key; row-level security on {@code app.tenant_id}. */
        TENANT,
        /** Row-level security on {@code app.user_id}. */
        USER,
        /** No row-level security: read before anything is bound; holds ids, hashes, counters and times only. */
        GLOBAL
    }

    /**
     * The columns of a table encrypted with {@code FieldCipher}: each {@code <column>} is stored as {@code <column>_ct},
     * bound to the organisation (the platform's for a global table), the table, the column (with {@code @<version>}
     * when the key has a version) and the row.
     *
     * @param key    the key columns in order: a row id, or a row id and a version ({@code document_id, version})
     * @param entity the audit entity type whose id names a row of this table (its key's first column), or null
     * @param columns the encrypted columns, as bound
     * @param legacy the plaintext columns from before encryption, if the table still has them (dropped ones are not listed)
     */
    public record Sealed(String key, String entity, List<String> columns, List<String> legacy) {

        public Sealed {
            columns = List.copyOf(columns);
            legacy = List.copyOf(legacy);
        }

        /** The row id column: the key's first. */
        public String rowId() {
            return key.split(",")[0].strip();
        }

        /** The key's version column, or null when the key is a row id alone. */
        public String versionColumn() {
            return key.contains(",") ? key.split(",")[1].strip() : null;
        }

        /** The column a ciphertext is bound to: {@code column}, or {@code column@version} for a versioned key. */
        public String bound(String column, long version) {
            return versionColumn() == null ? column : column + "@" + version;
        }
    }

    /**
     * What the organisation's full export holds of a tenant table.
     *
     * @param file    the file name, without extension ({@code .json} and {@code .csv} are written)
     * @param columns the plain columns, in order (the encrypted ones follow, opened)
     * @param order   the ORDER BY of the rows
     * @param asText  every plain value written as text (otherwise numbers stay numbers); times are RFC 3339 either way
     */
    public record Export(String file, List<String> columns, String order, boolean asText) {

        public Export {
            columns = List.copyOf(columns);
        }
    }

    /**
     * One table.
     *
     * @param reason           why a global table is one (null for the other kinds)
     * @param appRoleMayAccess false for a global table the app role must have no privilege on
     * @param sealed           its encrypted columns, or null
     * @param export           what the organisation's export holds of it, or null
     * @param purge            the statement run on it when an organisation is purged ({@code :org}, {@code :now}
     *                         bound; a DELETE is counted in {@code org.purged}), or null when the purge leaves it
     */
    public record Table(String name, Kind kind, String reason, boolean appRoleMayAccess, Sealed sealed, Export export,
                        String purge) {

        public Table {
            Objects.requireNonNull(name);
            Objects.requireNonNull(kind);
            if ((kind == Kind.GLOBAL) != (reason != null)) {
                throw new IllegalArgumentException(name + ": a global table, and only one, gives its reason");
            }
        }

        public static Table tenant(String name) {
            return new Table(name, Kind.TENANT, null, true, null, null, null);
        }

        public static Table user(String name) {
            return new Table(name, Kind.USER, null, true, null, null, null);
        }

        public static Table global(String name, String reason) {
            return new Table(name, Kind.GLOBAL, reason, true, null, null, null);
        }

        /** The app role must have no privilege at all on this (global) table. */
        public Table noAppAccess() {
            return new Table(name, kind, reason, false, sealed, export, purge);
        }

        public Table sealed(String key, String entity, List<String> columns, List<String> legacy) {
            return new Table(name, kind, reason, appRoleMayAccess, new Sealed(key, entity, columns, legacy), export, purge);
        }

        public Table exported(String file, String order, boolean asText, String... columns) {
            return new Table(name, kind, reason, appRoleMayAccess, sealed, new Export(file, Arrays.asList(columns), order, asText),
                    purge);
        }

        /** Its rows of the organisation are deleted when it is purged. */
        public Table deletedOnPurge() {
            return purgedBy("DELETE FROM " + name + " WHERE tenant_id = :org");
        }

        public Table purgedBy(String statement) {
            return new Table(name, kind, reason, appRoleMayAccess, sealed, export, statement);
        }

        public boolean purgeDeletes() {
            return purge != null && purge.startsWith("DELETE ");
        }
    }

    private final String module;
    private final List<Table> owns;
    private final Set<String> reads;

    /**
     * @param module the module's package name under {@code dev.bulwark}
     * @param reads  tables of other modules its SQL names
     * @param owns   its tables; for the export, in the order it lists them, and for the purge, in reverse (children
     *               after their parents here, so deleted before them)
     */
    protected ModuleTables(String module, Set<String> reads, Table... owns) {
        this.module = module;
        this.owns = List.of(owns);
        this.reads = Set.copyOf(reads);
    }

    public final String module() {
        return module;
    }

    public final List<Table> owns() {
        return owns;
    }

    public final Set<String> reads() {
        return reads;
    }

    public final Optional<Table> find(String table) {
        return owns.stream().filter(t -> t.name().equals(table)).findFirst();
    }

    /** The table named {@code table} in any of {@code modules}. */
    public static Optional<Table> find(List<? extends ModuleTables> modules, String table) {
        return modules.stream().flatMap(m -> m.find(table).stream()).findFirst();
    }

    /** Every table of {@code modules}, module by module in name order, each module's in its own order. */
    public static List<Table> all(List<? extends ModuleTables> modules) {
        return modules.stream()
                .sorted(java.util.Comparator.comparing(ModuleTables::module))
                .flatMap(m -> m.owns().stream())
                .toList();
    }

    @Override
    public String toString() {
        return module + " owns " + owns.stream().map(Table::name).collect(Collectors.toCollection(TreeSet::new))
                + ", reads " + new TreeSet<>(reads);
    }
}
