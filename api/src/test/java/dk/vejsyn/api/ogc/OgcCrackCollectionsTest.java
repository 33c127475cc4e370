package dk.vejsyn.api.ogc;

import static dk.vejsyn.api.CrackFixtures.crack;
import static dk.vejsyn.api.CrackFixtures.longitudinal;
import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.pothole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.finding.IngestResult;
import dk.vejsyn.inference.detect.DamageType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The OGC API's collections by damage family, with crack features (observations made by code). */
class OgcCrackCollectionsTest extends PostgisIntegrationTest {

    static final String OGC = "/api/v1/municipalities/461/ogc";

    @Autowired
    FindingStore store;

    @Autowired
    ObjectMapper json;

    private List<Long> ingest() {
        IngestResult r = store.ingest("461", DriveInfo.of("d", "t"), List.of(pothole(ODENSE, 0.8f, 1),
                longitudinal(offset(ODENSE, 50, 0), 0.7f, 2, 3.5),
                crack(DamageType.TRANSVERSE_CRACK, offset(ODENSE, 100, 0), 0, 0.6f, 3, 3.2, 3.2, "drive.mp4", T0, null)));
        return r.findingIds();
    }

    private JsonNode items(String collection) throws Exception {
        return json.readTree(mvc.perform(get(OGC + "/collections/" + collection + "/items")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString());
    }

    private static List<String> types(JsonNode fc) {
        List<String> out = new ArrayList<>();
        fc.get("features").forEach(f -> out.add(f.at("/properties/type").asText()));
        return out;
    }

    @Test
    void potholesAndCracksAreCollectionsBesideAllFindings() throws Exception {
        ingest();
        mvc.perform(get(OGC + "/collections")).andExpect(status().isOk())
                .andExpect(jsonPath("$.collections[*].id").value(org.hamcrest.Matchers.contains("findings", "potholes", "cracks", "road_segments")))
                .andExpect(jsonPath("$.collections[2].links[?(@.rel == 'items')].href")
                        .value(org.hamcrest.Matchers.contains(org.hamcrest.Matchers.endsWith("/collections/cracks/items"))));
        mvc.perform(get(OGC + "/collections/cracks")).andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("cracks"));

        assertThat(types(items("findings"))).containsExactlyInAnyOrder("pothole", "longitudinal_crack", "transverse_crack");
        assertThat(types(items("potholes"))).containsExactly("pothole");
        JsonNode cracks = items("cracks");
        assertThat(types(cracks)).containsExactlyInAnyOrder("longitudinal_crack", "transverse_crack");
        for (JsonNode f : cracks.get("features")) {
            assertThat(f.at("/properties/family").asText()).isEqualTo("crack");
            assertThat(f.at("/properties/length_m").asDouble()).isBetween(3.1, 3.6);
            assertThat(f.at("/geometry/type").asText()).isEqualTo("Point");
        }
        assertThat(cracks.get("numberReturned").asInt()).isEqualTo(2);
    }

    @Test
    void aFeatureIsFoundInTheCollectionsOfItsFamilyOnly() throws Exception {
        List<Long> ids = ingest();
        long hole = ids.get(0);
        long crack = ids.get(1);
        mvc.perform(get(OGC + "/collections/cracks/items/" + crack)).andExpect(status().isOk())
                .andExpect(jsonPath("$.properties.type").value("longitudinal_crack"));
        mvc.perform(get(OGC + "/collections/findings/items/" + crack)).andExpect(status().isOk());
        mvc.perform(get(OGC + "/collections/cracks/items/" + hole)).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/finding-not-found"));
        mvc.perform(get(OGC + "/collections/potholes/items/" + crack)).andExpect(status().isNotFound());
        mvc.perform(get(OGC + "/collections/crack/items")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("findings, potholes, cracks")));
    }
}
