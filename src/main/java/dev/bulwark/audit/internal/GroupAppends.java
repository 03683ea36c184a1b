package dev.bulwark.audit.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Appends events that need not share a transaction with anything else (disclosures: reads that returned personal
 * data) to their organisation's chain in groups: the events of one organisation that are waiting at the same moment
 * go to the database in one auto-commit statement ({@code audit_append_many}, V63), which locks the chain's head once,
 * chains them in the order they arrived, and commits. Every caller waits until the group holding its event is
 * committed, so an event is in the chain before its caller goes on (before the answer leaves).
 * <p>Leader and followers, per organisation: the first caller to find its organisation's lane idle writes a group (its
 * own event and whatever queued meanwhile); callers arriving meanwhile queue and wait; when a group is written, its
 * callers are released and the first caller still queued writes the next group. No thread of its own, no timer: a lone
 * caller writes at once, and a group only forms while the database is busy with the previous one. Hand-written
 * because no library groups appends to a hash chain (and the grouping must stay per organisation, in arrival order).
 * <p>Across instances nothing changes: the head's row lock orders the groups of every instance. A lane is kept per
 * organisation that ever disclosed on this instance (a few dozen bytes each).
 */
@Component
public class GroupAppends {

    /** The largest group one statement writes; the rest waits for the next group. */
    static final int MAX_GROUP = 200;

    /** Everything an append needs but the head's seq and hash (see {@code audit_append} and {@link ChainCodec}). */
    public record Prepared(UUID tenant, UUID id, Instant at, String type, String actorType, UUID actorId, String entityType,
                           String entityId, String reason, String ip, String userAgent, String requestId, byte[] before,
                           byte[] after, byte[] salt, byte[] digest, int version, byte[] payloadHash, byte[] prefix,
                           byte[] middle) {
    }

    /** An event's place in its chain, once committed. */
    public record Written(long seq, byte[] hash) {
    }

    private static final class Lane {
        private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        private boolean writing;
    }

    private static final class Waiter {
        private final Prepared event;
        /** Completes true once the event's group is done (written or failed), false when it is this waiter's turn to write. */
        private final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        private Written written;
        private RuntimeException failure;

        private Waiter(Prepared event) {
            this.event = event;
        }
    }

    private final JdbcClient jdbc;
    private final ConcurrentHashMap<UUID, Lane> lanes = new ConcurrentHashMap<>();

    GroupAppends(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Appends {@code event} and returns once it is committed in its organisation's chain. Called outside any
     * transaction (the statement commits on its own). Throws what writing its group threw: the event is then not in the
     * chain, and neither is any event of its group.
     */
    public Written append(Prepared event) {
        Lane lane = lanes.computeIfAbsent(event.tenant(), tenant -> new Lane());
        Waiter me = new Waiter(event);
        boolean lead;
        synchronized (lane) {
            lane.queue.addLast(me);
            lead = !lane.writing;
            lane.writing = true;
        }
        // Until this waiter's event is done, either write the next group (its turn) or wait for the writer.
        while (lead || !me.turn.join()) {
            lead = false;
            writeNextGroup(lane);
            if (me.turn.isDone()) {
                break;
            }
        }
        if (me.failure != null) {
            throw me.failure;
        }
        return me.written;
    }

    /** Writes the group at the head of the lane's queue, releases its waiters, and hands the lane to the next one. */
    private void writeNextGroup(Lane lane) {
        List<Waiter> group = new ArrayList<>();
        synchronized (lane) {
            while (group.size() < MAX_GROUP && !lane.queue.isEmpty()) {
                group.add(lane.queue.pollFirst());
            }
        }
        try {
            List<Written> written = write(group);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).written = written.get(i);
            }
        } catch (RuntimeException e) {
            group.forEach(waiter -> waiter.failure = e);
        } catch (Error e) {
            IllegalStateException failure = new IllegalStateException("the audit append failed", e);
            group.forEach(waiter -> waiter.failure = failure);
            throw e;
        } finally {
            Waiter next;
            synchronized (lane) {
                next = lane.queue.peekFirst();
                lane.writing = next != null;
            }
            group.forEach(waiter -> waiter.turn.complete(true));
            if (next != null) {
                next.turn.complete(false);
            }
        }
    }

    private List<Written> write(List<Waiter> group) {
        int n = group.size();
        UUID[] ids = new UUID[n];
        String[] at = new String[n];
        String[] types = new String[n];
        String[] actorTypes = new String[n];
        UUID[] actorIds = new UUID[n];
        String[] entityTypes = new String[n];
        String[] entityIds = new String[n];
        String[] reasons = new String[n];
        String[] ips = new String[n];
        String[] userAgents = new String[n];
        String[] requestIds = new String[n];
        byte[][] befores = new byte[n][];
        byte[][] afters = new byte[n][];
        byte[][] salts = new byte[n][];
        byte[][] digests = new byte[n][];
        Integer[] versions = new Integer[n];
        byte[][] payloadHashes = new byte[n][];
        byte[][] prefixes = new byte[n][];
        byte[][] middles = new byte[n][];
        for (int i = 0; i < n; i++) {
            Prepared e = group.get(i).event;
            ids[i] = e.id();
            at[i] = e.at().toString();
            types[i] = e.type();
            actorTypes[i] = e.actorType();
            actorIds[i] = e.actorId();
            entityTypes[i] = e.entityType();
            entityIds[i] = e.entityId();
            reasons[i] = e.reason();
            ips[i] = e.ip();
            userAgents[i] = e.userAgent();
            requestIds[i] = e.requestId();
            befores[i] = e.before();
            afters[i] = e.after();
            salts[i] = e.salt();
            digests[i] = e.digest();
            versions[i] = e.version();
            payloadHashes[i] = e.payloadHash();
            prefixes[i] = e.prefix();
            middles[i] = e.middle();
        }
        List<Written> written = jdbc.sql("""
                        SELECT * FROM audit_append_many(:tenant, :ids, :at, :types, :actorTypes, :actorIds, :entityTypes,
                                                        :entityIds, :reasons, :ips, :userAgents, :requestIds, :befores,
                                                        :afters, :salts, :digests, :versions, :payloadHashes, :prefixes,
                                                        :middles, :genesis)
                        """)
                .param("tenant", group.getFirst().event.tenant())
                .param("ids", ids)
                .param("at", at)
                .param("types", types)
                .param("actorTypes", actorTypes)
                .param("actorIds", actorIds)
                .param("entityTypes", entityTypes)
                .param("entityIds", entityIds)
                .param("reasons", reasons)
                .param("ips", ips)
                .param("userAgents", userAgents)
                .param("requestIds", requestIds)
                .param("befores", befores)
                .param("afters", afters)
                .param("salts", salts)
                .param("digests", digests)
                .param("versions", versions)
                .param("payloadHashes", payloadHashes)
                .param("prefixes", prefixes)
                .param("middles", middles)
                .param("genesis", ChainCodec.GENESIS)
                .query((rs, row) -> new Written(rs.getLong("appended_seq"), rs.getBytes("appended_hash")))
                .list();
        if (written.size() != n) {
            throw new IllegalStateException("the chain took " + written.size() + " of " + n + " events");
        }
        return written;
    }
}
