package dk.vejsyn.api.road;

import dk.vejsyn.api.Fixtures;
import dk.vejsyn.inference.geo.LatLon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Road networks and drives made by code, in metres north/east of {@link #ORIGIN} (a field near
 * Odense, away from the other tests' points).
 */
final class RoadFixtures {
    static final LatLon ORIGIN = new LatLon(55.4200, 10.3500);

    private RoadFixtures() {}

    /** A road through points given as {north, east} metres from the origin. */
    record Road(String name, double[]... northEast) {
        List<LatLon> points() {
            List<LatLon> out = new ArrayList<>();
            for (double[] ne : northEast) {
                out.add(at(ne[0], ne[1]));
            }
            return out;
        }
    }

    static LatLon at(double north, double east) {
        return Fixtures.offset(ORIGIN, north, east);
    }

    /** Nordvej: 430 m due north from the origin. */
    static final Road NORDVEJ = new Road("Nordvej", new double[] {0, 0}, new double[] {430, 0});
    /** Tværvej: crosses Nordvej at 200 m north, 100 m to either side. */
    static final Road TVAERVEJ = new Road("Tværvej", new double[] {200, -100}, new double[] {200, 100});

    /** RFC 7946 GeoJSON (lon/lat) of these roads, with {@code name}. */
    static String geoJson(Road... roads) {
        List<String> features = new ArrayList<>();
        for (Road r : roads) {
            StringBuilder c = new StringBuilder();
            for (LatLon p : r.points()) {
                c.append(c.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%.8f,%.8f]", p.lon(), p.lat()));
            }
            features.add("{\"type\":\"Feature\",\"properties\":{\"name\":\"" + r.name()
                    + "\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[" + c + "]}}");
        }
        return "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", features) + "]}";
    }

    /** The same roads in EPSG:25832 (reprojected by PostGIS), with the crs member ogr2ogr writes. */
    static String geoJson25832(JdbcTemplate jdbc, Road... roads) {
        List<String> features = new ArrayList<>();
        for (Road r : roads) {
            StringBuilder c = new StringBuilder();
            for (LatLon p : r.points()) {
                double[] xy = jdbc.queryForObject("SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 25832) g) t",
                        (rs, n) -> new double[] {rs.getDouble(1), rs.getDouble(2)}, p.lon(), p.lat());
                c.append(c.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%.4f,%.4f]", xy[0], xy[1]));
            }
            features.add("{\"type\":\"Feature\",\"properties\":{\"vejnavn\":\"" + r.name()
                    + "\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[" + c + "]}}");
        }
        return "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::25832\"}},"
                + "\"features\":[" + String.join(",", features) + "]}";
    }

    static Path write(Path dir, String name, String text) {
        try {
            Path f = dir.resolve(name);
            Files.writeString(f, text, StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores a drive of 461 along these points ({north, east}), ended at {@code at}; returns its ref. */
    static String drive(JdbcTemplate jdbc, String ref, Instant at, double[]... northEast) {
        StringBuilder wkt = new StringBuilder("LINESTRING(");
        for (int i = 0; i < northEast.length; i++) {
            LatLon p = at(northEast[i][0], northEast[i][1]);
            wkt.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.8f %.8f", p.lon(), p.lat()));
        }
        wkt.append(")");
        jdbc.update("""
                INSERT INTO drive (municipality_id, external_ref, vehicle, started_at, ended_at, track)
                VALUES ((SELECT id FROM municipality WHERE code = '461'), ?, 'truck-1', ?, ?, ST_GeomFromText(?, 4326))""",
                ref, java.sql.Timestamp.from(at.minusSeconds(120)), java.sql.Timestamp.from(at), wkt.toString());
        return ref;
    }

    static void clean(JdbcTemplate jdbc) {
        jdbc.execute("TRUNCATE road_segment_condition, road_segment_coverage, road_segment, road_network_import RESTART IDENTITY CASCADE");
    }
}
