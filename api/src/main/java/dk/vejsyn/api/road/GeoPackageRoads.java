package dk.vejsyn.api.road;

import dk.vejsyn.inference.InputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/**
 * Reads roads from an OGC GeoPackage (an SQLite database; read-only, through sqlite-jdbc): the
 * feature table named by {@code gpkg_contents}, its geometry column from
 * {@code gpkg_geometry_columns}, the CRS from {@code gpkg_spatial_ref_sys}. Each geometry is a
 * GeoPackage binary: a {@code GP} header (version, flags, srs id, optional envelope) followed by
 * standard (ISO) WKB, read with JTS.
 */
final class GeoPackageRoads {
    private GeoPackageRoads() {}

    static RoadSource read(Path file, RoadFiles.Options options) {
        Properties p = new Properties();
        p.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: an import never changes the file
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), p)) {
            return read(c, file.toString(), options);
        } catch (SQLException e) {
            throw new InputException(file + ": not a readable GeoPackage (" + e.getMessage() + ")", e);
        }
    }

    private static RoadSource read(Connection c, String file, RoadFiles.Options options) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new InputException(file + ": an SQLite file without gpkg_contents, so not a GeoPackage");
        }
        String table;
        if (options.layer() != null) {
            if (!tables.contains(options.layer())) {
                throw new InputException(file + ": no feature table '" + options.layer() + "' (--layer); it has " + tables);
            }
            table = options.layer();
        } else if (tables.size() == 1) {
            table = tables.get(0);
        } else if (tables.isEmpty()) {
            throw new InputException(file + ": no feature table; a road network needs one of LineStrings");
        } else {
            throw new InputException(file + ": several feature tables " + tables + "; choose one with --layer");
        }
        String geomColumn;
        String geomType;
        int srsId;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new InputException(file + ": table '" + table + "' has no entry in gpkg_geometry_columns");
                }
                geomColumn = rs.getString(1);
                geomType = rs.getString(2);
                srsId = rs.getInt(3);
            }
        }
        int srid;
        String origin;
        if (options.crs() != null) {
            srid = Crs.parse(options.crs(), "--crs");
            origin = "--crs";
        } else {
            srid = epsg(c, file, srsId);
            origin = "the GeoPackage's srs_id " + srsId;
        }
        List<String> columns = new ArrayList<>();
        String pk = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) {
                columns.add(rs.getString("name"));
                if (rs.getInt("pk") == 1) {
                    pk = rs.getString("name");
                }
            }
        }
        String nameField = options.nameField();
        if (nameField != null && !columns.contains(nameField)) {
            throw new InputException(file + ": table '" + table + "' has no column '" + nameField + "' (--name-field); it has " + columns);
        }
        if (nameField == null) {
            nameField = RoadFiles.guessNameField(columns);
        }
        String sql = "SELECT " + (pk == null ? "rowid" : quote(pk)) + ", " + quote(geomColumn)
                + (nameField == null ? "" : ", " + quote(nameField)) + " FROM " + quote(table) + " ORDER BY 1";
        List<RoadFeature> out = new ArrayList<>();
        WKBReader wkb = new WKBReader();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String ref = rs.getString(1);
                String where = file + ": " + table + " feature " + ref;
                byte[] blob = rs.getBytes(2);
                Geometry g = geometry(blob, wkb, where);
                if (!(g instanceof LineString) && !(g instanceof MultiLineString)) {
                    throw new InputException(where + " is a " + g.getGeometryType()
                            + "; a road network needs LineString or MultiLineString (the table says " + geomType + ")");
                }
                if (g.getNumPoints() < 2) {
                    throw new InputException(where + ": a line needs at least two positions");
                }
                out.add(new RoadFeature(ref, nameField == null ? null : rs.getString(3), g));
            }
        }
        if (out.isEmpty()) {
            throw new InputException(file + ": table '" + table + "' has no features; a road network needs at least one road");
        }
        RoadFiles.checkLonLat(file, srid, origin, out);
        return new RoadSource(file, srid, origin, out);
    }

    /** The EPSG code of a GeoPackage srs_id; the undefined ones (-1, 0) need --crs. */
    private static int epsg(Connection c, String file, int srsId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?")) {
            s.setInt(1, srsId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new InputException(file + ": srs_id " + srsId + " is not in gpkg_spatial_ref_sys");
                }
                String org = rs.getString(1);
                int code = rs.getInt(2);
                if (srsId <= 0 || code <= 0 || org == null || !org.equalsIgnoreCase("EPSG")) {
                    throw new InputException(file + ": the CRS is undefined (srs_id " + srsId + ", " + org
                            + "); give it with --crs, e.g. --crs EPSG:25832");
                }
                return code;
            }
        }
    }

    /** GeoPackage binary (GeoPackage 1.3, §2.1.3): header, optional envelope, WKB. */
    static Geometry geometry(byte[] blob, WKBReader wkb, String where) {
        if (blob == null) {
            throw new InputException(where + " has no geometry; a road network needs LineString or MultiLineString");
        }
        if (blob.length < 8 || blob[0] != 'G' || blob[1] != 'P') {
            throw new InputException(where + ": geometry is not a GeoPackage binary (no GP header)");
        }
        int flags = blob[3];
        ByteOrder order = (flags & 1) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int envelope = (flags >> 1) & 7;
        boolean empty = (flags & 0x10) != 0;
        int envelopeBytes = switch (envelope) {
            case 0 -> 0;
            case 1 -> 32;
            case 2, 3 -> 48;
            case 4 -> 64;
            default -> throw new InputException(where + ": invalid GeoPackage envelope code " + envelope);
        };
        ByteBuffer.wrap(blob, 4, 4).order(order).getInt(); // srs id: the table's, checked above
        if (empty) {
            throw new InputException(where + " has an empty geometry");
        }
        int offset = 8 + envelopeBytes;
        if (blob.length <= offset) {
            throw new InputException(where + ": truncated geometry");
        }
        try {
            byte[] body = java.util.Arrays.copyOfRange(blob, offset, blob.length);
            return wkb.read(body);
        } catch (ParseException | RuntimeException e) {
            throw new InputException(where + ": unreadable WKB geometry (" + e.getMessage() + ")");
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
