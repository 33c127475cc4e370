package dk.vejsyn.api.finding;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Rows written column by column: the store writes a batch as one statement that reads parallel SQL
 * arrays with {@code unnest(…)}, one array per column, which is far faster than a JDBC batch of
 * single-row statements (one round trip, one plan). These helpers build such columns from a list of
 * rows, so that a statement reads as a list of (column, value-of-row) pairs.
 */
final class SqlColumns {

    private SqlColumns() {}

    /** One column of {@code rows} as a SQL array of {@code sqlType}; element types as the JDBC driver infers them. */
    static <R> Array column(Connection c, String sqlType, List<R> rows, Function<R, ?> value) throws SQLException {
        return c.createArrayOf(sqlType, rows.stream().map(value).toArray());
    }

    /** One column of {@code rows} as a SQL array of {@code sqlType}, sent with the Java element type {@code T}. */
    static <R, T> Array column(Connection c, String sqlType, List<R> rows, Function<R, T> value,
            IntFunction<T[]> newArray) throws SQLException {
        return c.createArrayOf(sqlType, rows.stream().map(value).toArray(newArray));
    }

    /** The next {@code n} values of {@code sequence}, so that rows can reference each other before they are written. */
    static long[] nextIds(Connection c, String sequence, int n) throws SQLException {
        long[] ids = new long[n];
        if (n == 0) {
            return ids;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT nextval('" + sequence + "') FROM generate_series(1, ?)")) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    ids[i] = rs.getLong(1);
                }
            }
        }
        return ids;
    }

    /** Seconds since the epoch with fractions, for {@code to_timestamp(…)}. */
    static Double epochSeconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** {@code null} (SQL NULL) for an unknown (non-finite) measurement. */
    static Double nullIfNaN(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
