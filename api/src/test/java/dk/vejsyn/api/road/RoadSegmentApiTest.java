package dk.vejsyn.api.road;

import static dk.vejsyn.api.road.RoadFixtures.NORDVEJ;
import static dk.vejsyn.api.road.RoadFixtures.TVAERVEJ;
import static dk.vejsyn.api.road.RoadFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.Fixtures;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The road network over HTTP: GeoJSON with filters and sorting, the CSV worst first, coverage
 * statistics, a segment's history, the OGC collection (and GDAL reading it, where installed) and
 * the vector tiles.
 */
class RoadSegmentApiTest extends PostgisIntegrationTest {
    static final String API = "/api/v1/municipalities/461";

    @Autowired
    RoadNetworkImport roads;

    @Autowired
    RoadCoverage coverage;

    @Autowired
    FindingStore store;

    @Autowired
    ObjectMapper json;

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    /** Nordvej driven (with 4 potholes on its first stretch and 1 on its second), Tværvej not. */
    @BeforeEach
    void network() {
        RoadFixtures.clean(jdbc);
        roads.importFile("461", RoadFixtures.write(dir, "roads.geojson", RoadFixtures.geoJson(NORDVEJ, TVAERVEJ)),
                RoadFiles.Options.DEFAULT, "test");
        RoadFixtures.drive(jdbc, "nordvej", Instant.now().minus(2, ChronoUnit.DAYS), new double[] {-10, 1.5}, new double[] {440, 1.5});
        coverage.driveFinished("461", "nordvej");
        List<dk.vejsyn.inference.geo.Observation> os = new ArrayList<>();
        double[][] at = {{10, 1}, {30, -1}, {55, 1}, {80, 2}, {150, 0}};
        for (int i = 0; i < at.length; i++) {
            os.add(Fixtures.observation(DamageType.POTHOLE, at(at[i][0], at[i][1]), 0.9f, i, 0.2, "road.mp4", Fixtures.T0.plusSeconds(i)));
        }
        store.ingest("461", DriveInfo.of("potholes", "truck-1"), os);
    }

    JsonNode getJson(String uri) throws Exception {
        return json.readTree(mvc.perform(get(uri)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

    @Test
    void segmentsAsGeoJsonWithRatingsAlongTheDrivenRoadAndNullElsewhere() throws Exception {
        JsonNode all = getJson(API + "/road-segments");
        assertThat(all.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(all.get("features")).hasSize(7);
        for (JsonNode f : all.get("features")) {
            assertThat(f.at("/geometry/type").asText()).isEqualTo("LineString");
            JsonNode p = f.get("properties");
            assertThat(p.has("condition") && p.has("last_driven_at") && p.has("potholes") && p.has("crack_length_m")
                    && p.has("road_name")).as("%s", p).isTrue();
            if (p.get("road_name").asText().equals("Nordvej")) {
                assertThat(p.get("condition").isInt()).as("%s", p).isTrue();
                assertThat(p.get("last_driven_at").isNull()).isFalse();
            } else {
                assertThat(p.get("condition").isNull()).as("%s", p).isTrue();
                assertThat(p.get("inspected").asBoolean()).isFalse();
            }
        }
        JsonNode worst = getJson(API + "/road-segments?sort=condition&limit=1");
        assertThat(worst.get("numberMatched").asInt()).isEqualTo(7);
        assertThat(worst.at("/features/0/properties/potholes").asInt()).isEqualTo(4);
        assertThat(worst.at("/features/0/properties/condition").asInt()).isEqualTo(2);

        assertThat(getJson(API + "/road-segments?min_condition=5").get("features")).hasSize(3)
                .allSatisfy(f -> assertThat(f.at("/properties/condition").asInt()).isEqualTo(5));
        assertThat(getJson(API + "/road-segments?max_condition=4").get("features")).hasSize(2);
        assertThat(getJson(API + "/road-segments?not_driven_since=" + Instant.now().minus(1, ChronoUnit.DAYS)).get("features"))
                .hasSize(7);
        assertThat(getJson(API + "/road-segments?not_driven_since=2026-01-01").get("features")).hasSize(2)
                .allSatisfy(f -> assertThat(f.at("/properties/road_name").asText()).isEqualTo("Tværvej"));
        assertThat(getJson(API + "/road-segments?inspected=false").get("features")).hasSize(2);
        // A box around Tværvej's west arm only.
        String box = String.format(java.util.Locale.ROOT, "%f,%f,%f,%f", at(190, -90).lon(), at(190, -90).lat(),
                at(210, -60).lon(), at(210, -60).lat());
        assertThat(getJson(API + "/road-segments?bbox=" + box).get("features")).hasSize(1);

        for (String bad : List.of("min_condition=0", "max_condition=6", "min_condition=4&max_condition=2", "sort=worst",
                "not_driven_since=yesterday", "bbox=1,2,3", "limit=0", "offset=-1")) {
            mvc.perform(get(API + "/road-segments?" + bad)).andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
        }
        // Another municipality has no network (and its members see only theirs).
        assertThat(getJson("/api/v1/municipalities/101/road-segments").get("features")).isEmpty();
    }

    @Test
    void csvWorstFirstCoverageAndHistory() throws Exception {
        String csv = mvc.perform(get(API + "/road-segments.csv")).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("text/csv")).andReturn().getResponse().getContentAsString();
        String[] lines = csv.split("\r\n");
        assertThat(lines[0]).isEqualTo("rank,segment_id,road_name,condition,condition_index,length_m,potholes,cracks,crack_length_m,"
                + "last_driven_at,lon,lat");
        assertThat(lines).hasSize(8);
        assertThat(lines[1]).startsWith("1,").contains(",Nordvej,2,50.4,");
        assertThat(lines[2]).contains(",Nordvej,4,");
        assertThat(lines[7]).contains(",Tværvej,,,");

        JsonNode c = getJson(API + "/road-segments/coverage");
        assertThat(c.get("segments").asInt()).isEqualTo(7);
        assertThat(c.get("network_km").asDouble()).isCloseTo(0.63, org.assertj.core.data.Offset.offset(0.005));
        assertThat(c.get("driven_km").asDouble()).isCloseTo(0.43, org.assertj.core.data.Offset.offset(0.005));
        assertThat(c.get("driven_share").asDouble()).isCloseTo(0.683, org.assertj.core.data.Offset.offset(0.005));
        assertThat(c.get("segments_driven").asInt()).isEqualTo(5);
        assertThat(c.get("drives").asInt()).isEqualTo(1);
        assertThat(c.at("/km_by_condition/not_inspected").asDouble()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.005));
        assertThat(getJson(API + "/road-segments/coverage?since=" + Instant.now().minus(1, ChronoUnit.DAYS)).get("driven_km").asDouble())
                .isZero();
        mvc.perform(get(API + "/road-segments/coverage?since=soon")).andExpect(status().isBadRequest());

        long worst = getJson(API + "/road-segments?sort=condition&limit=1").at("/features/0/id").asLong();
        JsonNode one = getJson(API + "/road-segments/" + worst);
        assertThat(one.at("/properties/condition").asInt()).isEqualTo(2);
        // History so far: the drive's end, before the potholes were stored (the next round of the history adds today's 2).
        assertThat(one.get("history")).hasSize(1);
        assertThat(one.at("/history/0/condition").asInt()).isEqualTo(5);
        assertThat(one.at("/history/0/date").asText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        mvc.perform(get(API + "/road-segments/999999")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value(containsString("road-segment-not-found")));
    }

    @Test
    void ogcCollectionAndVectorTiles() throws Exception {
        String ogc = API + "/ogc";
        mvc.perform(get(ogc + "/collections")).andExpect(status().isOk())
                .andExpect(jsonPath("$.collections[?(@.id == 'road_segments')].extent.spatial.bbox[0].length()").value(4));
        mvc.perform(get(ogc + "/collections/road_segments")).andExpect(status().isOk())
                .andExpect(jsonPath("$.links[?(@.rel == 'items')]").exists());
        JsonNode page = getJson(ogc + "/collections/road_segments/items?limit=3");
        assertThat(page.get("features")).hasSize(3);
        assertThat(page.get("numberMatched").asInt()).isEqualTo(7);
        String next = page.at("/links/1/href").asText();
        assertThat(next).contains("offset=3");
        JsonNode last = getJson(next.substring(next.indexOf("/api/")).replace("offset=3", "offset=6"));
        assertThat(last.get("features")).hasSize(1);
        assertThat(last.get("links")).hasSize(1);
        long id = last.at("/features/0/id").asLong();
        assertThat(getJson(ogc + "/collections/road_segments/items/" + id).at("/properties/segment_id").asLong()).isEqualTo(id);
        mvc.perform(get(ogc + "/collections/road_segments/items/999999")).andExpect(status().isNotFound());
        mvc.perform(get(ogc + "/collections/roads/items")).andExpect(status().isNotFound());

        // The tile holding the network at zoom 15, and one far away.
        double lon = RoadFixtures.ORIGIN.lon();
        double lat = RoadFixtures.ORIGIN.lat();
        int z = 15;
        int x = (int) Math.floor((lon + 180) / 360 * (1 << z));
        int y = (int) Math.floor((1 - Math.log(Math.tan(Math.toRadians(lat)) + 1 / Math.cos(Math.toRadians(lat))) / Math.PI) / 2 * (1 << z));
        byte[] tile = mvc.perform(get(API + "/tiles/road-segments/" + z + "/" + x + "/" + y + ".mvt")).andExpect(status().isOk())
                .andExpect(content().contentType("application/vnd.mapbox-vector-tile")).andReturn().getResponse().getContentAsByteArray();
        assertThat(tile.length).isGreaterThan(100);
        assertThat(new String(tile, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("road_segments").contains("condition")
                .contains("Nordvej");
        assertThat(mvc.perform(get(API + "/tiles/road-segments/" + z + "/0/0.mvt")).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsByteArray()).isEmpty();
        mvc.perform(get(API + "/tiles/road-segments/" + z + "/" + (1 << z) + "/0.mvt")).andExpect(status().isBadRequest());
    }

    /** GDAL's OGC API – Features driver, as QGIS uses it, with a viewer's token over Basic. Where GDAL is installed. */
    @Test
    void gdalReadsTheRoadSegmentsCollection() throws Exception {
        Path ogrinfo = Path.of("/usr/bin/ogrinfo");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(ogrinfo), "gdal-bin is not installed");
        String token = TestTokens.create(Role.VIEWER, "461", null);
        Process p = new ProcessBuilder(ogrinfo.toString(), "-ro", "-al", "-q",
                "OAPIF:http://127.0.0.1:" + port + API + "/ogc", "road_segments",
                "--config", "GDAL_HTTP_AUTH", "BASIC", "--config", "GDAL_HTTP_USERPWD", "qgis:" + token)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("LINESTRING").contains("road_name (String) = Nordvej").contains("condition (Integer) = 2")
                .contains("condition (Integer) = (null)");
        assertThat(out.split("OGRFeature\\(road_segments\\)", -1)).hasSize(8);
    }
}
