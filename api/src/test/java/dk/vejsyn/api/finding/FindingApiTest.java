package dk.vejsyn.api.finding;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.Fixtures;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dk.vejsyn.api.security.Caller;
import dk.vejsyn.api.security.CallerAuthentication;
import dk.vejsyn.api.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.http.MediaType;

/** The maintenance API against real PostGIS: a grid of 30 findings 20 m apart around a point in Odense. */
class FindingApiTest extends PostgisIntegrationTest {

    static final String BASE = "/api/v1/municipalities/461/findings";

    @Autowired
    FindingStore store;

    @Autowired
    ObjectMapper json;

    List<Long> ids;

    @BeforeEach
    void grid() {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            LatLon at = offset(ODENSE, 20 * (i / 6), 20 * (i % 6));
            DamageType type = i % 3 == 0 ? DamageType.ALLIGATOR_CRACK : DamageType.POTHOLE;
            obs.add(observation(type, at, 0.5f + i / 100f, i, 0.02 + 0.04 * i, "grid.mp4", T0.plusSeconds(60L * i)));
        }
        ids = store.ingest("461", DriveInfo.of("grid", "truck-1"), obs).findingIds();
    }

    private JsonNode getJson(String url) throws Exception {
        return json.readTree(mvc.perform(get(url)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

    @Test
    void cursorPaginationVisitsEveryFindingOnceInOrder() throws Exception {
        Set<Long> seen = new HashSet<>();
        String cursor = null;
        int lastSeverity = Integer.MAX_VALUE;
        int pages = 0;
        do {
            JsonNode page = getJson(BASE + "?sort=severity&limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode f : page.get("items")) {
                assertThat(seen.add(f.get("id").asLong())).isTrue();
                assertThat(f.get("severity").asInt()).isLessThanOrEqualTo(lastSeverity);
                lastSeverity = f.get("severity").asInt();
            }
            cursor = page.path("nextCursor").isMissingNode() || page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(30);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void filtersNarrowTheResult() throws Exception {
        LatLon sw = offset(ODENSE, -5, -5);
        LatLon ne = offset(ODENSE, 25, 25);
        String bbox = sw.lon() + "," + sw.lat() + "," + ne.lon() + "," + ne.lat();
        assertThat(getJson(BASE + "?bbox=" + bbox).get("items")).hasSize(4);
        assertThat(getJson(BASE + "?near=" + ODENSE.lat() + "," + ODENSE.lon() + "&radius_m=21").get("items")).hasSize(3);
        assertThat(getJson(BASE + "?type=alligator_crack").get("items")).hasSize(10);
        assertThat(getJson(BASE + "?min_severity=5").get("items")).allSatisfy(f -> assertThat(f.get("severity").asInt()).isEqualTo(5));
        assertThat(getJson(BASE + "?seen_after=" + T0.plusSeconds(60 * 25)).get("items")).hasSize(5);
        assertThat(getJson(BASE + "?seen_before=" + T0.plusSeconds(60 * 4)).get("items")).hasSize(5);
        assertThat(getJson(BASE + "?min_score=0.75").get("items")).hasSize(5);
        assertThat(getJson(BASE + "?status=dismissed").get("items")).isEmpty();
        assertThat(getJson("/api/v1/municipalities/101/findings").get("items")).isEmpty();
    }

    @Test
    void polygonSearchUsesGeoJson() throws Exception {
        LatLon a = offset(ODENSE, -5, -5);
        LatLon b = offset(ODENSE, -5, 45);
        LatLon c = offset(ODENSE, 5, 45);
        LatLon d = offset(ODENSE, 5, -5);
        String poly = String.format(java.util.Locale.ROOT,
                "{\"type\":\"Polygon\",\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}",
                a.lon(), a.lat(), b.lon(), b.lat(), c.lon(), c.lat(), d.lon(), d.lat(), a.lon(), a.lat());
        JsonNode r = json.readTree(mvc.perform(post(BASE + "/search").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"polygon\":" + poly + ",\"sort\":\"score\",\"order\":\"asc\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(r.get("items")).hasSize(3);
        assertThat(r.get("items").get(0).get("maxScore").asDouble()).isLessThan(r.get("items").get(2).get("maxScore").asDouble());
    }

    @Test
    void detailPatchAndEvidence() throws Exception {
        long id = ids.get(7);
        mvc.perform(get(BASE + "/" + id)).andExpect(status().isOk())
                .andExpect(jsonPath("$.finding.id").value(id))
                .andExpect(jsonPath("$.observations.length()").value(1))
                .andExpect(jsonPath("$.events[0].kind").value("created"));
        // The event names the authenticated caller; an actor in the body is not believed.
        mvc.perform(patch(BASE + "/" + id).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"status\":\"confirmed\",\"actor\":\"anyone\",\"note\":\"checked on site\"}")
                        .with(SecurityMockMvcRequestPostProcessors.authentication(new CallerAuthentication(
                                new Caller("planner-odense-1", Role.PLANNER, "461", null, Caller.Via.TOKEN)))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.finding.status").value("confirmed"))
                .andExpect(jsonPath("$.events[1].kind").value("status_changed"))
                .andExpect(jsonPath("$.events[1].actor").value("planner-odense-1"))
                .andExpect(jsonPath("$.events[1].note").value("checked on site"));
        mvc.perform(patch(BASE + "/" + id).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"status\":\"open\",\"actor\":\"anna\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/invalid-transition"));
        byte[] jpeg = mvc.perform(get(BASE + "/" + id + "/evidence")).andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.IMAGE_JPEG)).andReturn().getResponse().getContentAsByteArray();
        assertThat(jpeg).isEqualTo(Fixtures.JPEG);
        long obsId = json.readTree(mvc.perform(get(BASE + "/" + id)).andReturn().getResponse().getContentAsString())
                .at("/observations/0/id").asLong();
        mvc.perform(get(BASE + "/" + id + "/observations/" + obsId + "/evidence")).andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.IMAGE_JPEG));
        mvc.perform(get(BASE + "/" + ids.get(8) + "/observations/" + obsId + "/evidence")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/evidence-not-found"));
        mvc.perform(get(BASE + "/999999")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/finding-not-found"));
        // Another municipality's finding is invisible.
        mvc.perform(get("/api/v1/municipalities/101/findings/" + id)).andExpect(status().isNotFound());
    }

    @Test
    void exportsGeoJsonInLonLatAndCsv() throws Exception {
        JsonNode fc = json.readTree(mvc.perform(get(BASE + "/export.geojson?type=pothole"))
                .andExpect(status().isOk()).andExpect(content().contentTypeCompatibleWith("application/geo+json"))
                .andReturn().getResponse().getContentAsString());
        assertThat(fc.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(fc.get("features")).hasSize(20);
        JsonNode coords = fc.get("features").get(0).get("geometry").get("coordinates");
        assertThat(coords.get(0).asDouble()).isBetween(10.0, 11.0); // lon first
        assertThat(coords.get(1).asDouble()).isBetween(55.0, 56.0);
        String csv = mvc.perform(get(BASE + "/export.csv")).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", org.hamcrest.Matchers.startsWith("text/csv")))
                .andReturn().getResponse().getContentAsString();
        assertThat(csv.lines()).hasSize(31);
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("id,type,status,severity,lat,lon");
    }

    @Test
    void municipalitiesAreListedAndCreatable() throws Exception {
        mvc.perform(get("/api/v1/municipalities")).andExpect(status().isOk()).andExpect(jsonPath("$.length()").value(98));
        mvc.perform(get("/api/v1/municipalities/461")).andExpect(jsonPath("$.name").value("Odense"));
        mvc.perform(post("/api/v1/municipalities").contentType(MediaType.APPLICATION_JSON).content("{\"code\":\"999\",\"name\":\"Test\"}"))
                .andExpect(status().isCreated());
        mvc.perform(post("/api/v1/municipalities").contentType(MediaType.APPLICATION_JSON).content("{\"code\":\"999\",\"name\":\"Test\"}"))
                .andExpect(status().isConflict());
        mvc.perform(get("/api/v1/municipalities/998/findings")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/municipality-not-found"));
    }
}
