package dk.vejsyn.api.finding;

import dk.vejsyn.inference.detect.DamageType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.TreeSet;

/**
 * Transaction-scoped PostgreSQL advisory locks on (municipality, damage family, grid cell), taken by
 * every writer before it reads the findings it may merge into or change. The family
 * ({@link DamageType#family()}), not the type: a crack of one kind may join a finding of another.
 *
 * <p>Why: two writers (upload jobs, live ingest, service instances) seeing the same pothole at the
 * same time must not both start a finding. A writer locks the cell of every point it touches and
 * the 8 neighbours, in ascending key order (no deadlocks), so writers near one pothole run one after
 * the other and writers elsewhere do not wait. Cells are {@code lock-cell-m / 111320} degrees on
 * both axes ({@link FlatEarth#M_PER_DEG}), which stays at least the merge radius in metres up to
 * about 60° latitude with the defaults (and at least the crack merge's 6 m along the road up to 75°).
 * Every writer must compute keys exactly alike: do not change
 * the grid or the hash without stopping all writers.
 */
final class CellLocks {

    private final double cellDeg;

    /** @param cellM edge of a lock cell in metres ({@code vejsyn.findings.lock-cell-m}) */
    CellLocks(double cellM) {
        this.cellDeg = cellM / FlatEarth.M_PER_DEG;
    }

    /** A point a writer touches: a new observation or a finding it may change. */
    record Point(DamageType type, double lat, double lon) {}

    /** Blocks until this transaction holds the locks of all {@code points}' cells and their neighbours. */
    void lock(Connection c, int municipalityId, List<Point> points) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest(?::int8[]) AS k ORDER BY k) s")) {
            ps.setArray(1, c.createArrayOf("int8", keys(municipalityId, points).toArray(Long[]::new)));
            ps.executeQuery().close();
        }
    }

    /** The lock keys for {@code points}, ascending. */
    TreeSet<Long> keys(int municipalityId, List<Point> points) {
        TreeSet<Long> keys = new TreeSet<>();
        for (Point p : points) {
            long cy = (long) Math.floor(p.lat() / cellDeg);
            long cx = (long) Math.floor(p.lon() / cellDeg);
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    keys.add(key(municipalityId, p.type().family().ordinal(), cx + dx, cy + dy));
                }
            }
        }
        return keys;
    }

    /** A 64-bit hash of one cell: spreads keys over PostgreSQL's single advisory-lock key space. */
    static long key(int municipalityId, int typeOrdinal, long cx, long cy) {
        long h = 0x5645_4A53_594EL; // "VEJSYN"
        h = mix(h ^ municipalityId);
        h = mix(h ^ typeOrdinal);
        h = mix(h ^ cx);
        h = mix(h ^ cy);
        return h;
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
