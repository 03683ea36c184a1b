package dev.bulwark.trust.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.bulwark.shared.ModuleTables;
import dev.bulwark.tenancy.TenantScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How the trust checks that read data cover all of it without one run growing with the data (docs/trust-center.md).
 * <ul>
 *   <li>An organisation sweep checks a slice of organisations a run, resuming after the last (trust_cursors).</li>
 *   <li>A row sweep reads a budget of rows a run, organisation by organisation, table by table, in primary-key order,
 *       resuming after the last key read (trust_sweeps); a cycle ends when the last organisation's last table is read,
 *       and the next begins at once.</li>
 *   <li>What either finds is kept (trust_findings) and checked again first on every later run, so a check keeps
 *       failing until the problem is mended, even while the sweep has moved on to healthy rows.</li>
 * </ul>
 * Organisation ids and row keys stay in trust_findings and the log, for the operators; the public evidence gives counts.
 */
@Component
class Sweeps {

    private static final Logger log = LoggerFactory.getLogger(Sweeps.class);
    static final UUID FIRST = new UUID(0, 0);
    /** Each query reads at most this many rows; a run at most this many queries, however many organisations are empty. */
    private static final int BATCH = 1000;
    private static final int MAX_QUERIES = 2000;
    /** Audit events read a run for recent writes, and how far back the first look at an organisation reaches. */
    private static final int RECENT_EVENTS = 5000;
    private static final long FIRST_LOOK = 1000;

    /**
     * A table whose personal-data columns must hold only ciphertexts. Its key is an id, or an id and a version; the
     * SQL pieces are constants of this class, never input.
     *
     * @param global    read with no organisation bound (the platform's own table, under the platform key)
     * @param entity    the audit events' entity type whose id names rows of this table (its key's first column), or null
     * @param key       the key columns in order, one or two
     * @param plaintext true when a legacy plaintext column holds a value
     * @param malformed true when an encrypted column holds something not shaped like a Tink ciphertext
     */
    record Scanned(String table, boolean global, String entity, String key, String plaintext, String malformed) {

        /** The sweep of a table's encrypted columns as its module declares them. */
        static Scanned of(ModuleTables.Table table) {
            ModuleTables.Sealed sealed = table.sealed();
            String plaintext = sealed.legacy().isEmpty() ? "false"
                    : sealed.legacy().stream().map(c -> c + " IS NOT NULL").collect(Collectors.joining(" OR "));
            String malformed = "NOT (" + sealed.columns().stream().map(c -> "bulwark_is_ciphertext(" + c + "_ct)")
                    .collect(Collectors.joining(" AND ")) + ")";
            return new Scanned(table.name(), table.kind() == ModuleTables.Kind.GLOBAL, sealed.entity(), sealed.key(), plaintext,
                    malformed);
        }

        /** Every encrypted table the sweep can read: tenant and global ones (a user table is read only by its user). */
        static List<Scanned> of(List<ModuleTables> modules) {
            return ModuleTables.all(modules).stream()
                    .filter(t -> t.sealed() != null && t.kind() != ModuleTables.Kind.USER)
                    .map(Scanned::of)
                    .toList();
        }

        private String select() {
            String id = key.contains(",") ? key.split(",")[0].strip() : key;
            String version = key.contains(",") ? key.split(",")[1].strip() + "::bigint" : "0::bigint";
            return "SELECT " + id + " AS key_id, " + version + " AS key_version, (" + plaintext + ") AS plaintext, (" + malformed
                    + ") AS malformed FROM " + table + " WHERE " + (global ? "" : "tenant_id = :org AND ");
        }

        private String tuple() {
            return key.contains(",") ? "(:afterId, :afterVersion)" : ":afterId";
        }

        String next() {
            return select() + "(" + key + ") > " + tuple() + " ORDER BY " + key + " LIMIT :limit";
        }

        String one() {
            return select() + "(" + key + ") = " + tuple();
        }

        /** The rows whose key starts with :afterId, newest version first. */
        String byId() {
            return select() + key.split(",")[0].strip() + " = :afterId ORDER BY " + key.replace(",", " DESC,") + " DESC LIMIT :limit";
        }
    }

    /** A row sweep's run: recent writes read, rows read, open findings by table, and where the cycle stands. */
    record RowOutcome(int recentEvents, int recentRows, long rowsRead, Map<String, Integer> openByTable, Cycle cycle,
                      long cycleRows, Instant lastCycleCompletedAt, Long lastCycleRows) {

        int open() {
            return openByTable.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** An organisation sweep's run: organisations checked in this run's slice, the organisations with open findings, the cycle. */
    record OrgOutcome(int checked, int open, Cycle cycle) {
    }

    /** When the cycle under way began, and how long the last complete one took (null before the first completes). */
    record Cycle(Instant startedAt, Long lastMillis) {

        /** Neither the cycle under way nor the last complete one has taken longer than {@code bound}. */
        boolean within(Duration bound, Instant now) {
            return !startedAt.isBefore(now.minus(bound)) && (lastMillis == null || lastMillis <= bound.toMillis());
        }

        Map<String, Object> evidence(Duration bound, Instant now) {
            return Controls.map("startedAt", startedAt.toString(), "lastTook", lastMillis == null ? "none complete yet"
                    : Duration.ofMillis(lastMillis).toString(), "bound", bound.toString(), "withinBound", within(bound, now));
        }
    }

    private record Position(UUID org, int table, UUID afterId, long afterVersion, Instant cycleStartedAt, long cycleRows,
                            Instant lastCompleted, Long lastRows, Long lastMillis) {
    }

    private record Row(UUID id, long version, boolean plaintext, boolean malformed) {

        String problem() {
            return plaintext ? "plaintext" : malformed ? "not a ciphertext" : null;
        }
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    Sweeps(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    /**
     * Checks the organisations with open findings again, then the next {@code slice} organisations; {@code problem}
     * says what is wrong with one, or nothing.
     */
    OrgOutcome organisations(String check, int slice, Function<UUID, Optional<String>> problem) {
        for (Map.Entry<String, String> open : findings(check).entrySet()) {
            UUID org = UUID.fromString(open.getKey());
            Optional<String> still = live(org) ? problem.apply(org) : Optional.empty();
            still.ifPresentOrElse(d -> found(check, open.getKey(), d), () -> mended(check, open.getKey()));
        }
        record Cursor(UUID after, Instant started, Long lastMillis) {
        }
        Instant now = Instant.now();
        Cursor cursor = jdbc.sql("SELECT after_id, cycle_started_at, last_cycle_millis FROM trust_cursors WHERE check_id = :check")
                .param("check", check)
                .query((rs, n) -> new Cursor(rs.getObject(1, UUID.class),
                        rs.getTimestamp(2) == null ? now : rs.getTimestamp(2).toInstant(), (Long) rs.getObject(3)))
                .optional().orElse(new Cursor(FIRST, now, null));
        // A cycle starts at the platform's own organisation, whose id is the lowest there is (all zeros).
        List<UUID> orgs = jdbc.sql("""
                        SELECT id FROM organisations WHERE (id > :after OR (:fromStart AND id = :after)) AND purged_at IS NULL
                        ORDER BY id LIMIT :limit
                        """)
                .param("after", cursor.after()).param("fromStart", cursor.after().equals(FIRST)).param("limit", slice)
                .query(UUID.class).list();
        for (UUID org : orgs) {
            problem.apply(org).ifPresentOrElse(d -> found(check, org.toString(), d), () -> mended(check, org.toString()));
        }
        // Fewer than a slice: the last organisation is checked, the cycle is complete, and the next begins.
        boolean complete = orgs.size() < slice;
        Instant end = Instant.now();
        Cycle cycle = complete ? new Cycle(end, Duration.between(cursor.started(), end).toMillis())
                : new Cycle(cursor.started(), cursor.lastMillis());
        jdbc.sql("""
                        INSERT INTO trust_cursors (check_id, after_id, cycle_started_at, last_cycle_millis)
                        VALUES (:check, :after, :started, :lastMillis)
                        ON CONFLICT (check_id) DO UPDATE SET after_id = :after, cycle_started_at = :started, last_cycle_millis = :lastMillis
                        """)
                .param("check", check)
                .param("after", complete ? FIRST : orgs.getLast())
                .param("started", Timestamp.from(cycle.startedAt()))
                .param("lastMillis", cycle.lastMillis())
                .update();
        return new OrgOutcome(orgs.size(), findings(check).size(), cycle);
    }

    /**
     * Checks the rows with open findings again, then reads on from where the last run stopped until {@code budget} rows
     * are read or a cycle completes.
     */
    RowOutcome rows(String check, List<Scanned> tables, int budget) {
        for (String subject : findings(check).keySet()) {
            String[] parts = subject.split("/");
            Optional<Scanned> table = tables.stream().filter(t -> t.table().equals(parts[0])).findFirst();
            UUID org = UUID.fromString(parts[1]);
            Optional<String> still = table.isEmpty() ? Optional.empty()
                    : read(table.get(), org, table.get().one(), UUID.fromString(parts[2]), Long.parseLong(parts[3]), 1).stream()
                            .map(Row::problem).filter(p -> p != null).findFirst();
            still.ifPresentOrElse(d -> found(check, subject, d), () -> mended(check, subject));
        }
        int[] recent = recent(check, tables, RECENT_EVENTS);
        Instant now = Instant.now();
        Position p = jdbc.sql("""
                        SELECT tenant_id, table_index, after_id, after_version, cycle_started_at, cycle_rows, last_cycle_completed_at,
                               last_cycle_rows, last_cycle_millis FROM trust_sweeps WHERE check_id = :check
                        """)
                .param("check", check)
                .query((rs, n) -> new Position(rs.getObject(1, UUID.class), rs.getInt(2), rs.getObject(3, UUID.class), rs.getLong(4),
                        rs.getTimestamp(5).toInstant(), rs.getLong(6),
                        rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant(), (Long) rs.getObject(8), (Long) rs.getObject(9)))
                .optional()
                .orElse(new Position(FIRST, 0, FIRST, 0, now, 0, null, null, null));
        UUID org = p.org();
        int table = Math.min(p.table(), tables.size() - 1);
        UUID afterId = p.afterId();
        long afterVersion = p.afterVersion();
        Instant cycleStarted = p.cycleStartedAt();
        long cycleRows = p.cycleRows();
        Instant lastCompleted = p.lastCompleted();
        Long lastRows = p.lastRows();
        Long lastMillis = p.lastMillis();
        long read = 0;
        int queries = 0;
        while (read < budget && queries < MAX_QUERIES) {
            Scanned t = tables.get(table);
            List<Row> rows = List.of();
            int limit = (int) Math.min(BATCH, budget - read);
            if (!t.global() || org.equals(FIRST)) { // the platform's own tables are read once a cycle, before the first organisation
                rows = read(t, org, t.next(), afterId, afterVersion, limit);
                queries++;
                for (Row row : rows) {
                    String problem = row.problem();
                    if (problem != null) {
                        found(check, t.table() + "/" + org + "/" + row.id() + "/" + row.version(), problem);
                    }
                }
                read += rows.size();
                cycleRows += rows.size();
            }
            if (rows.size() == limit) {
                afterId = rows.getLast().id();
                afterVersion = rows.getLast().version();
                continue;
            }
            afterId = FIRST;
            afterVersion = 0;
            if (++table < tables.size()) {
                continue;
            }
            table = 0;
            Optional<UUID> next = jdbc.sql("SELECT id FROM organisations WHERE id > :org AND purged_at IS NULL ORDER BY id LIMIT 1")
                    .param("org", org).query(UUID.class).optional();
            queries++;
            if (next.isPresent()) {
                org = next.get();
                continue;
            }
            // The last organisation's last table is read: the cycle is complete, and the next one starts with the next run.
            lastCompleted = Instant.now();
            lastRows = cycleRows;
            lastMillis = Duration.between(cycleStarted, lastCompleted).toMillis();
            cycleStarted = lastCompleted;
            cycleRows = 0;
            org = FIRST;
            break;
        }
        jdbc.sql("""
                        INSERT INTO trust_sweeps (check_id, tenant_id, table_index, after_id, after_version, cycle_started_at, cycle_rows,
                                                  last_cycle_completed_at, last_cycle_rows, last_cycle_millis)
                        VALUES (:check, :org, :table, :afterId, :afterVersion, :started, :rows, :completed, :lastRows, :lastMillis)
                        ON CONFLICT (check_id) DO UPDATE SET tenant_id = :org, table_index = :table, after_id = :afterId,
                            after_version = :afterVersion, cycle_started_at = :started, cycle_rows = :rows,
                            last_cycle_completed_at = :completed, last_cycle_rows = :lastRows, last_cycle_millis = :lastMillis
                        """)
                .param("check", check).param("org", org).param("table", table).param("afterId", afterId)
                .param("afterVersion", afterVersion).param("started", Timestamp.from(cycleStarted)).param("rows", cycleRows)
                .param("completed", lastCompleted == null ? null : Timestamp.from(lastCompleted))
                .param("lastRows", lastRows)
                .param("lastMillis", lastMillis)
                .update();
        Map<String, Integer> byTable = new LinkedHashMap<>();
        findings(check).keySet().forEach(s -> byTable.merge(s.substring(0, s.indexOf('/')), 1, Integer::sum));
        return new RowOutcome(recent[0], recent[1], read, byTable, new Cycle(cycleStarted, lastMillis), cycleRows, lastCompleted, lastRows);
    }

    /**
     * Newest first: in the organisations whose audit log grew since the last look, the rows its new events name are read
     * now, whatever the sweep's position. An organisation seen for the first time is read from its last
     * {@link #FIRST_LOOK} events; what came before is the sweep's. At most {@code maxEvents} events a run, so a burst
     * of writes is read over several runs, in order.
     *
     * @return events read, rows read
     */
    private int[] recent(String check, List<Scanned> tables, int maxEvents) {
        record Grown(UUID org, long head, long seen) {
        }
        List<Grown> grown = jdbc.sql("""
                        SELECT h.tenant_id, h.seq, coalesce(r.seq, greatest(h.seq - :firstLook, 0)) FROM audit_heads h
                        LEFT JOIN trust_recent r ON r.check_id = :check AND r.tenant_id = h.tenant_id
                        WHERE h.seq > coalesce(r.seq, greatest(h.seq - :firstLook, 0))
                        ORDER BY h.seq - coalesce(r.seq, 0) LIMIT 100
                        """)
                .param("check", check).param("firstLook", FIRST_LOOK)
                .query((rs, n) -> new Grown(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3)))
                .list();
        int events = 0;
        int rows = 0;
        for (Grown g : grown) {
            if (events >= maxEvents) {
                break;
            }
            long upTo = Math.min(g.head(), g.seen() + maxEvents - events);
            record Named(String type, String id) {
            }
            List<Named> named = tenantScope.inTenant(g.org(), null, () -> jdbc.sql("""
                            SELECT DISTINCT entity_type, entity_id FROM audit_events
                            WHERE tenant_id = :org AND seq > :seen AND seq <= :upTo AND entity_type IN (:types)
                            """)
                    .param("org", g.org()).param("seen", g.seen()).param("upTo", upTo)
                    .param("types", tables.stream().map(Scanned::entity).filter(e -> e != null).distinct().toList())
                    .query((rs, n) -> new Named(rs.getString(1), rs.getString(2)))
                    .list());
            events += (int) (upTo - g.seen());
            for (Named n : named) {
                UUID id;
                try {
                    id = UUID.fromString(n.id());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                for (Scanned t : tables) {
                    if (n.type().equals(t.entity())) {
                        for (Row row : read(t, g.org(), t.byId(), id, 0, 20)) {
                            rows++;
                            if (row.problem() != null) {
                                found(check, t.table() + "/" + g.org() + "/" + row.id() + "/" + row.version(), row.problem());
                            }
                        }
                    }
                }
            }
            jdbc.sql("""
                            INSERT INTO trust_recent (check_id, tenant_id, seq) VALUES (:check, :org, :seq)
                            ON CONFLICT (check_id, tenant_id) DO UPDATE SET seq = :seq
                            """)
                    .param("check", check).param("org", g.org()).param("seq", upTo)
                    .update();
        }
        return new int[] {events, rows};
    }

    private List<Row> read(Scanned table, UUID org, String sql, UUID afterId, long afterVersion, int limit) {
        var query = jdbc.sql(sql).param("org", org).param("afterId", afterId).param("afterVersion", afterVersion).param("limit", limit);
        var mapped = query.query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getLong(2), rs.getBoolean(3), rs.getBoolean(4)));
        return table.global() ? mapped.list() : tenantScope.inTenant(org, null, mapped::list);
    }

    private boolean live(UUID org) {
        return jdbc.sql("SELECT count(*) FROM organisations WHERE id = :org AND purged_at IS NULL").param("org", org)
                .query(Long.class).single() > 0;
    }

    private Map<String, String> findings(String check) {
        Map<String, String> open = new LinkedHashMap<>();
        jdbc.sql("SELECT subject, detail FROM trust_findings WHERE check_id = :check ORDER BY found_at, subject LIMIT 1000")
                .param("check", check)
                .query(rs -> {
                    open.put(rs.getString(1), rs.getString(2));
                });
        return open;
    }

    private void found(String check, String subject, String detail) {
        int added = jdbc.sql("""
                        INSERT INTO trust_findings (check_id, subject, detail, found_at) VALUES (:check, :subject, :detail, now())
                        ON CONFLICT (check_id, subject) DO UPDATE SET detail = :detail
                        WHERE trust_findings.detail IS DISTINCT FROM :detail
                        """)
                .param("check", check).param("subject", subject).param("detail", detail)
                .update();
        if (added > 0) {
            log.warn("Trust check {} found {}: {}", check, subject, detail);
        }
    }

    private void mended(String check, String subject) {
        if (jdbc.sql("DELETE FROM trust_findings WHERE check_id = :check AND subject = :subject")
                .param("check", check).param("subject", subject).update() > 0) {
            log.info("Trust check {} sees {} mended", check, subject);
        }
    }

    /** Every open finding of every check, for the operators' view. */
    List<Map<String, Object>> all() {
        List<Map<String, Object>> all = new ArrayList<>();
        jdbc.sql("SELECT check_id, subject, detail, found_at FROM trust_findings ORDER BY check_id, found_at LIMIT 1000")
                .query(rs -> {
                    all.add(Controls.map("check", rs.getString(1), "subject", rs.getString(2), "detail", rs.getString(3),
                            "foundAt", rs.getTimestamp(4).toInstant().toString()));
                });
        return all;
    }
}
