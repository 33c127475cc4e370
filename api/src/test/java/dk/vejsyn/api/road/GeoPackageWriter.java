package dk.vejsyn.api.road;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ByteOrderValues;
import org.locationtech.jts.io.WKBWriter;

/** Writes minimal GeoPackages (the tables of GeoPackage 1.3 §1.1, GP binary geometries) for the tests. */
final class GeoPackageWriter {
    private GeoPackageWriter() {}

    record Row(Geometry geometry, String name) {}

    /**
     * @param organization "EPSG", or e.g. "NONE" for an undefined CRS
     * @param srsId the srs_id (the EPSG code for EPSG; 0 for undefined)
     */
    static Path write(Path file, String table, String organization, int srsId, String geometryType, String nameColumn,
            List<Row> rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                Statement s = c.createStatement()) {
            s.execute("PRAGMA application_id = 1196444487"); // 'GPKG'
            s.execute("""
                    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)""");
            s.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL)");
            s.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL)");
            if (srsId > 0) {
                s.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('srs', " + srsId + ", '" + organization + "', " + srsId
                        + ", 'see EPSG', NULL)");
            }
            s.execute("""
                    CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT,
                        description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
                        srs_id INTEGER)""");
            s.execute("""
                    CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
                        geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL)""");
            s.execute("CREATE TABLE \"" + table + "\" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, \"" + nameColumn + "\" TEXT)");
            s.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('" + table + "', 'features', '"
                    + table + "', " + srsId + ")");
            s.execute("INSERT INTO gpkg_geometry_columns VALUES ('" + table + "', 'geom', '" + geometryType + "', " + srsId + ", 0, 0)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO \"" + table + "\" (geom, \"" + nameColumn + "\") VALUES (?, ?)")) {
                for (Row r : rows) {
                    p.setBytes(1, blob(r.geometry(), srsId));
                    p.setString(2, r.name());
                    p.executeUpdate();
                }
            }
        }
        return file;
    }

    /** GP header (version 0, little-endian, envelope [minx, maxx, miny, maxy]) + little-endian WKB. */
    static byte[] blob(Geometry g, int srsId) {
        byte[] wkb = new WKBWriter(2, ByteOrderValues.LITTLE_ENDIAN).write(g);
        ByteBuffer b = ByteBuffer.allocate(8 + 32 + wkb.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'G').put((byte) 'P').put((byte) 0).put((byte) 0b0000_0011); // envelope code 1, little-endian
        b.putInt(srsId);
        var e = g.getEnvelopeInternal();
        b.putDouble(e.getMinX()).putDouble(e.getMaxX()).putDouble(e.getMinY()).putDouble(e.getMaxY());
        b.put(wkb);
        return b.array();
    }
}
