package dk.vejsyn.api.ogc;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class OgcFeaturesTest extends PostgisIntegrationTest {

    static final String OGC = "/api/v1/municipalities/461/ogc";

    @Autowired
    FindingStore store;

    @Autowired
    ObjectMapper json;

    @BeforeEach
    void findings() {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            obs.add(observation(DamageType.POTHOLE, offset(ODENSE, 10 * i, 0), 0.8f, i, 0.2, "a.mp4", T0.plusSeconds(3600L * i)));
        }
        store.ingest("461", DriveInfo.of("d", "t"), obs);
    }

    @Test
    void landingConformanceAndCollections() throws Exception {
        mvc.perform(get(OGC)).andExpect(status().isOk())
                .andExpect(jsonPath("$.links[?(@.rel == 'conformance')]").exists())
                .andExpect(jsonPath("$.links[?(@.rel == 'data')]").exists())
                .andExpect(jsonPath("$.links[?(@.rel == 'service-desc')]").exists());
        mvc.perform(get(OGC + "/conformance")).andExpect(status().isOk())
                .andExpect(jsonPath("$.conformsTo[0]").value("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
        mvc.perform(get(OGC + "/collections")).andExpect(status().isOk())
                .andExpect(jsonPath("$.collections[0].id").value("findings"))
                .andExpect(jsonPath("$.collections[0].extent.spatial.bbox[0].length()").value(4));
        mvc.perform(get(OGC + "/collections/findings")).andExpect(status().isOk())
                .andExpect(jsonPath("$.links[?(@.rel == 'items')]").exists());
        mvc.perform(get(OGC + "/collections/roads")).andExpect(status().isNotFound());
    }

    @Test
    void itemsPageWithNextLinksInCrs84() throws Exception {
        Set<Long> seen = new HashSet<>();
        String url = OGC + "/collections/findings/items?limit=10";
        int pages = 0;
        while (url != null) {
            JsonNode fc = json.readTree(mvc.perform(get(url)).andExpect(status().isOk())
                    .andExpect(content().contentTypeCompatibleWith("application/geo+json"))
                    .andReturn().getResponse().getContentAsString());
            for (JsonNode f : fc.get("features")) {
                assertThat(seen.add(f.get("id").asLong())).isTrue();
                assertThat(f.at("/geometry/coordinates/0").asDouble()).isBetween(10.0, 11.0);
            }
            url = null;
            for (JsonNode l : fc.get("links")) {
                if (l.get("rel").asText().equals("next")) {
                    url = l.get("href").asText().replaceFirst("^https?://[^/]+", "");
                }
            }
            pages++;
        }
        assertThat(seen).hasSize(25);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void itemsFilterByBboxAndDatetime() throws Exception {
        var ne = offset(ODENSE, 45, 1);
        var sw = offset(ODENSE, -1, -1);
        mvc.perform(get(OGC + "/collections/findings/items").param("bbox", sw.lon() + "," + sw.lat() + "," + ne.lon() + "," + ne.lat()))
                .andExpect(jsonPath("$.numberReturned").value(5));
        mvc.perform(get(OGC + "/collections/findings/items").param("datetime", T0.plusSeconds(3600L * 20) + "/.."))
                .andExpect(jsonPath("$.numberReturned").value(5));
        mvc.perform(get(OGC + "/collections/findings/items").param("datetime", "../" + T0.plusSeconds(3600L * 2)))
                .andExpect(jsonPath("$.numberReturned").value(3));
        mvc.perform(get(OGC + "/collections/findings/items").param("bbox", "1,2,0,3")).andExpect(status().isBadRequest());
        mvc.perform(get(OGC + "/collections/findings/items").param("datetime", "tomorrow")).andExpect(status().isBadRequest());
    }

    @Test
    void singleItem() throws Exception {
        JsonNode fc = json.readTree(mvc.perform(get(OGC + "/collections/findings/items?limit=1")).andReturn().getResponse().getContentAsString());
        long id = fc.at("/features/0/id").asLong();
        mvc.perform(get(OGC + "/collections/findings/items/" + id)).andExpect(status().isOk())
                .andExpect(jsonPath("$.type").value("Feature")).andExpect(jsonPath("$.properties.type").value("pothole"));
        mvc.perform(get(OGC + "/collections/findings/items/987654")).andExpect(status().isNotFound());
    }
}
