package dk.vejsyn.api.road;

import static dk.vejsyn.api.road.RoadFixtures.NORDVEJ;
import static dk.vejsyn.api.road.RoadFixtures.TVAERVEJ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.inference.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Road network import: GeoJSON in EPSG:4326 and EPSG:25832, GeoPackage (ours and, where GDAL is
 * installed, ogr2ogr's), cutting at junctions into stretches of at most 100 m, stable ids and kept
 * history on re-import, and bad files refused with nothing changed.
 */
class RoadImportTest extends PostgisIntegrationTest {
    @Autowired
    RoadNetworkImport roads;

    @Autowired
    RoadCoverage coverage;

    @TempDir
    Path dir;

    @BeforeEach
    void clean() {
        RoadFixtures.clean(jdbc);
    }

    private RoadNetworkImport.Result importText(String name, String text) {
        return roads.importFile("461", RoadFixtures.write(dir, name, text), RoadFiles.Options.DEFAULT, "test");
    }

    private List<Long> currentIds() {
        return jdbc.queryForList("SELECT id FROM road_segment WHERE retired_at IS NULL ORDER BY id", Long.class);
    }

    private List<Double> lengths(String road) {
        return jdbc.queryForList("SELECT length_m FROM road_segment WHERE retired_at IS NULL AND road_name = ? ORDER BY length_m",
                Double.class, road);
    }

    @Test
    void geoJsonIsCutAtJunctionsIntoStretchesOfAtMostTheMaximum() {
        RoadNetworkImport.Result r = importText("roads.geojson", RoadFixtures.geoJson(NORDVEJ, TVAERVEJ));
        // Nordvej: 0-200 m (2 × 100) and 200-430 m (3 × 76.7); Tværvej: either side of the junction (2 × 100).
        assertThat(r.features()).isEqualTo(2);
        assertThat(r.segments()).isEqualTo(7);
        assertThat(r.added()).isEqualTo(7);
        assertThat(r.kept()).isZero();
        assertThat(lengths("Nordvej")).hasSize(5).satisfies(l -> {
            assertThat(l.get(0)).isCloseTo(76.7, org.assertj.core.data.Offset.offset(0.5));
            assertThat(l.get(4)).isCloseTo(100, org.assertj.core.data.Offset.offset(0.5));
        });
        assertThat(lengths("Tværvej")).hasSize(2).allSatisfy(l -> assertThat(l).isCloseTo(100, org.assertj.core.data.Offset.offset(0.5)));
        // The junction is a segment end of all four stretches that meet there.
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM road_segment WHERE retired_at IS NULL AND (ST_DWithin(ST_StartPoint(geom)::geography,
                    ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, 0.3) OR ST_DWithin(ST_EndPoint(geom)::geography,
                    ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, 0.3))""", Integer.class,
                RoadFixtures.at(200, 0).lon(), RoadFixtures.at(200, 0).lat(), RoadFixtures.at(200, 0).lon(),
                RoadFixtures.at(200, 0).lat())).isEqualTo(4);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM road_network_import", Integer.class)).isEqualTo(1);
    }

    @Test
    void theSameNetworkInEpsg25832KeepsEverySegment() {
        importText("roads.geojson", RoadFixtures.geoJson(NORDVEJ, TVAERVEJ));
        List<Long> before = currentIds();
        RoadNetworkImport.Result r = importText("roads-25832.geojson", RoadFixtures.geoJson25832(jdbc, NORDVEJ, TVAERVEJ));
        assertThat(r.crs()).startsWith("EPSG:25832");
        assertThat(r.kept()).isEqualTo(7);
        assertThat(r.added()).isZero();
        assertThat(r.retired()).isZero();
        assertThat(currentIds()).isEqualTo(before);
        // The name came from GeoDanmark's "vejnavn" this time.
        assertThat(lengths("Nordvej")).hasSize(5);
    }

    @Test
    void geoPackagesInEpsg25832AreRead() throws Exception {
        GeometryFactory gf = new GeometryFactory();
        List<GeoPackageWriter.Row> rows = new ArrayList<>();
        for (RoadFixtures.Road road : List.of(NORDVEJ, TVAERVEJ)) {
            List<Coordinate> cs = new ArrayList<>();
            for (var p : road.points()) {
                cs.add(jdbc.queryForObject("SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 25832) g) t",
                        (rs, n) -> new Coordinate(rs.getDouble(1), rs.getDouble(2)), p.lon(), p.lat()));
            }
            rows.add(new GeoPackageWriter.Row(gf.createLineString(cs.toArray(Coordinate[]::new)), road.name()));
        }
        Path gpkg = GeoPackageWriter.write(dir.resolve("vejmidte.gpkg"), "vejmidte", "EPSG", 25832, "LINESTRING", "vejnavn", rows);
        RoadNetworkImport.Result r = roads.importFile("461", gpkg, RoadFiles.Options.DEFAULT, "test");
        assertThat(r.segments()).isEqualTo(7);
        assertThat(r.crs()).startsWith("EPSG:25832");
        assertThat(lengths("Nordvej")).hasSize(5);
        assertThat(lengths("Tværvej")).hasSize(2);

        // GDAL's own GeoPackage of the same network, where GDAL is installed: same segments, same ids.
        Path ogr2ogr = Path.of("/usr/bin/ogr2ogr");
        if (Files.isExecutable(ogr2ogr)) {
            List<Long> before = currentIds();
            Path geojson = RoadFixtures.write(dir, "roads.geojson", RoadFixtures.geoJson(NORDVEJ, TVAERVEJ));
            Path out = dir.resolve("gdal.gpkg");
            // With a Z coordinate, as GeoDanmark's 3D road centre lines come: ISO WKB LineString Z.
            Process p = new ProcessBuilder(ogr2ogr.toString(), "-f", "GPKG", "-t_srs", "EPSG:25832", "-nln", "veje", "-dim", "XYZ",
                    out.toString(), geojson.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(log).isZero();
            RoadNetworkImport.Result g = roads.importFile("461", out, RoadFiles.Options.DEFAULT, "test");
            assertThat(g.kept()).as(g.summary()).isEqualTo(7);
            assertThat(currentIds()).isEqualTo(before);
        }
    }

    @Test
    void reimportKeepsIdsCoverageAndHistoryOfUnchangedStretchesAndRetiresTheRest() {
        importText("v1.geojson", RoadFixtures.geoJson(NORDVEJ, TVAERVEJ));
        RoadFixtures.drive(jdbc, "along-nordvej", Instant.now().minusSeconds(3600), new double[] {-10, 1}, new double[] {440, 1});
        assertThat(coverage.driveFinished("461", "along-nordvej")).hasSize(5);
        List<Long> nordvej = jdbc.queryForList("SELECT id FROM road_segment WHERE road_name = 'Nordvej' ORDER BY id", Long.class);
        long west = jdbc.queryForObject("SELECT id FROM road_segment WHERE road_name = 'Tværvej' AND ST_X(ST_StartPoint(geom)) < ? "
                + "ORDER BY id LIMIT 1", Long.class, RoadFixtures.at(200, -50).lon());
        int historyRows = jdbc.queryForObject("SELECT count(*) FROM road_segment_condition", Integer.class);
        assertThat(historyRows).isEqualTo(7);

        // v2: Tværvej's east arm is longer now, and a new road far away.
        RoadFixtures.Road longer = new RoadFixtures.Road("Tværvej", new double[] {200, -100}, new double[] {200, 150});
        RoadFixtures.Road oestvej = new RoadFixtures.Road("Østvej", new double[] {0, 500}, new double[] {150, 500});
        RoadNetworkImport.Result r = importText("v2.geojson", RoadFixtures.geoJson(NORDVEJ, longer, oestvej));
        assertThat(r.kept()).as(r.summary()).isEqualTo(6);   // Nordvej's 5 and Tværvej's west arm
        assertThat(r.retired()).isEqualTo(1);                // the old east arm
        assertThat(r.added()).isEqualTo(2 + 2);              // the new east arm (150 m → 2 × 75) and Østvej (2 × 75)
        assertThat(jdbc.queryForList("SELECT id FROM road_segment WHERE road_name = 'Nordvej' AND retired_at IS NULL ORDER BY id",
                Long.class)).isEqualTo(nordvej);
        assertThat(jdbc.queryForObject("SELECT retired_at IS NULL FROM road_segment WHERE id = ?", Boolean.class, west)).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM road_segment_coverage WHERE segment_id = ANY (?)", Integer.class,
                (Object) nordvej.toArray(Long[]::new))).isEqualTo(5);
        // The retired arm keeps its row and history; it is just no longer part of the network.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM road_segment WHERE retired_at IS NOT NULL", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM road_segment_condition c JOIN road_segment s ON s.id = c.segment_id
                WHERE s.retired_at IS NOT NULL""", Integer.class)).isEqualTo(1);
    }

    @Test
    void badFilesAreRefusedWithAClearMessageAndChangeNothing() throws Exception {
        importText("good.geojson", RoadFixtures.geoJson(NORDVEJ, TVAERVEJ));
        List<Long> before = currentIds();

        String polygon = "{\"type\":\"FeatureCollection\",\"features\":[" + RoadFixtures.geoJson(NORDVEJ).replaceAll(".*\"features\":\\[", "")
                .replaceAll("\\]\\}$", "") + ",{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                + "\"coordinates\":[[[10.35,55.42],[10.351,55.42],[10.351,55.421],[10.35,55.42]]]}}]}";
        assertRefused("polygon.geojson", polygon, "feature 2 is a Polygon", "LineString or MultiLineString");
        String utm = RoadFixtures.geoJson25832(jdbc, NORDVEJ).replaceAll("\"crs\":\\{[^}]*\\}\\},", "");
        assertRefused("utm-without-crs.geojson", utm, "not longitude/latitude", "--crs EPSG:25832");
        assertRefused("empty.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}", "no features");
        assertRefused("zero-bytes.geojson", "", "empty file");
        assertRefused("broken.geojson", "{\"type\":\"FeatureCollection\",\"features\":[", "not valid JSON");
        assertRefused("points.geojson", "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[10.35,55.42]}}",
                "is a Point");
        assertRefused("unknown-crs.geojson", RoadFixtures.geoJson(NORDVEJ).replace("{\"type\":\"FeatureCollection\",",
                "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:999999\"}},"), "not known to PostGIS");
        // Read and reprojected, then refused inside the transaction: still nothing changed.
        assertRefused("tiny.geojson", RoadFixtures.geoJson(new RoadFixtures.Road("Stump", new double[] {0, 0}, new double[] {0, 0.2})),
                "no road is longer");

        GeometryFactory gf = new GeometryFactory();
        Path points = GeoPackageWriter.write(dir.resolve("points.gpkg"), "pts", "EPSG", 4326, "POINT", "name",
                List.of(new GeoPackageWriter.Row(gf.createPoint(new Coordinate(10.35, 55.42)), "a")));
        assertRefusedFile(points, "is a Point");
        Path undefined = GeoPackageWriter.write(dir.resolve("undefined.gpkg"), "veje", "NONE", 0, "LINESTRING", "name",
                List.of(new GeoPackageWriter.Row(gf.createLineString(new Coordinate[] {new Coordinate(590000, 6140000),
                    new Coordinate(590000, 6140100)}), "a")));
        assertRefusedFile(undefined, "--crs");
        Path fakeGpkg = RoadFixtures.write(dir, "fake.gpkg", "{}");
        assertRefusedFile(fakeGpkg, "not a GeoPackage");
        assertThatThrownBy(() -> roads.importFile("999", RoadFixtures.write(dir, "ok.geojson", RoadFixtures.geoJson(NORDVEJ)),
                RoadFiles.Options.DEFAULT, "test")).isInstanceOf(InputException.class).hasMessageContaining("unknown municipality");

        assertThat(currentIds()).isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM road_segment WHERE retired_at IS NOT NULL", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM road_network_import", Integer.class)).isEqualTo(1);

        // The undefined CRS, given on the command line, imports.
        RoadNetworkImport.Result r = roads.importFile("461", undefined, new RoadFiles.Options(null, null, "EPSG:25832"), "test");
        assertThat(r.segments()).isEqualTo(1);
    }

    private void assertRefused(String name, String text, String... messageParts) {
        assertRefusedFile(RoadFixtures.write(dir, name, text), messageParts);
    }

    private void assertRefusedFile(Path file, String... messageParts) {
        assertThatThrownBy(() -> roads.importFile("461", file, RoadFiles.Options.DEFAULT, "test"))
                .isInstanceOf(InputException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains(file.getFileName().toString());
                    for (String part : messageParts) {
                        assertThat(e.getMessage()).contains(part);
                    }
                });
    }
}
