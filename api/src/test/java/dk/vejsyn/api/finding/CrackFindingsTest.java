package dk.vejsyn.api.finding;

import static dk.vejsyn.api.CrackFixtures.crack;
import static dk.vejsyn.api.CrackFixtures.longitudinal;
import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.pothole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.Fixtures;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.inference.detect.DamageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Cracks through the store and the maintenance API, on observations made by code (PostGIS). */
class CrackFindingsTest extends PostgisIntegrationTest {

    static final String FINDINGS = "/api/v1/municipalities/461/findings";

    @Autowired
    FindingStore store;

    @Autowired
    ObjectMapper json;

    @Test
    void sightingsOfOneCrackAlongTheRoadBecomeOneFindingOfTheKindMostOfThemSaw() {
        // Three frames 4 m apart see one long crack, placed where each saw its middle; the middle
        // frame could not tell its kind. A pothole beside it stays a finding of its own.
        IngestResult first = store.ingest("461", DriveInfo.of("d1", "t"), List.of(
                longitudinal(ODENSE, 0.6f, 1, 4.0),
                crack(DamageType.CRACK, offset(ODENSE, 4, 0), 0, 0.9f, 2, 0.3, 3.0, "drive.mp4", T0.plusSeconds(2), null),
                longitudinal(offset(ODENSE, 8, 0), 0.6f, 3, 5.0),
                pothole(offset(ODENSE, 4, 0.5), 0.8f, 4)));
        assertThat(first.findingsCreated()).isEqualTo(2);
        long crackId = first.findingIds().get(0);
        assertThat(first.findingIds().subList(0, 3)).containsOnly(crackId);

        Map<String, Object> row = jdbc.queryForMap("SELECT damage_type, length_m, severity, observation_count, "
                + "type_weights::text AS w FROM finding WHERE id = ?", crackId);
        assertThat(row.get("damage_type")).isEqualTo("longitudinal_crack");
        assertThat(row.get("observation_count")).isEqualTo(3);
        // Score-weighted mean length (0.6·4 + 0.9·3 + 0.6·5) / 2.1 = 3.86 m: 1 + thresholds 1 and 2.5 m, + 1 for 3 sightings.
        assertThat((Double) row.get("length_m")).isCloseTo(8.1 / 2.1, within(1e-6));
        assertThat(((Number) row.get("severity")).intValue()).isEqualTo(4);
        assertThat((String) row.get("w")).contains("\"crack\"", "\"longitudinal_crack\"");

        // A second pass types it transverse once, strongly: it stays longitudinal (weight 1.2 against 0.95).
        store.ingest("461", DriveInfo.of("d2", "t"), List.of(crack(DamageType.TRANSVERSE_CRACK, offset(ODENSE, 2, 0), 0,
                0.95f, 1, 0.3, 3.0, "drive2.mp4", T0.plusSeconds(86_400), null)));
        assertThat(jdbc.queryForObject("SELECT damage_type FROM finding WHERE id = ?", String.class, crackId))
                .isEqualTo("longitudinal_crack");
        // Two more transverse sightings outweigh it, and the finding's history says so.
        store.ingest("461", DriveInfo.of("d3", "t"), List.of(
                crack(DamageType.TRANSVERSE_CRACK, offset(ODENSE, 3, 0), 0, 0.9f, 1, 0.3, 3.0, "drive3.mp4", T0.plusSeconds(90_000), null),
                crack(DamageType.TRANSVERSE_CRACK, offset(ODENSE, 1, 0), 0, 0.9f, 2, 0.3, 3.0, "drive3.mp4", T0.plusSeconds(90_001), null)));
        assertThat(jdbc.queryForObject("SELECT damage_type FROM finding WHERE id = ?", String.class, crackId))
                .isEqualTo("transverse_crack");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM finding_event WHERE finding_id = ? AND kind = 'merged' "
                + "AND note LIKE '%type longitudinal_crack → transverse_crack%'", Integer.class, crackId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM finding", Integer.class)).isEqualTo(2);
    }

    @Test
    void aCrackFartherAlongTheRoadThanTheEllipseStartsAFindingOfItsOwn() {
        IngestResult r = store.ingest("461", DriveInfo.of("d1", "t"), List.of(longitudinal(ODENSE, 0.6f, 1, 2.0),
                longitudinal(offset(ODENSE, 6.5, 0), 0.6f, 2, 2.0), longitudinal(offset(ODENSE, 0, 3.5), 0.6f, 3, 2.0)));
        assertThat(r.findingsCreated()).isEqualTo(3);
        // Running the same drive again adds nothing (the store is idempotent per observation).
        IngestResult again = store.ingest("461", DriveInfo.of("d1", "t"), List.of(longitudinal(ODENSE, 0.6f, 1, 2.0)));
        assertThat(again.findingsCreated()).isZero();
        assertThat(again.duplicatesSkipped()).isEqualTo(1);
    }

    private void threeKindsAndAPothole() {
        List<dk.vejsyn.inference.geo.Observation> obs = new ArrayList<>();
        obs.add(pothole(ODENSE, 0.8f, 1));
        obs.add(longitudinal(offset(ODENSE, 50, 0), 0.7f, 2, 3.0));
        obs.add(crack(DamageType.ALLIGATOR_CRACK, offset(ODENSE, 100, 0), 0, 0.7f, 3, 1.5, 1.6, "drive.mp4", T0, null));
        obs.add(crack(DamageType.CRACK, offset(ODENSE, 150, 0), 0, 0.7f, 4, 0.5, 0.6, "drive.mp4", T0, null));
        store.ingest("461", DriveInfo.of("d1", "t"), obs);
    }

    private List<String> typesOf(String query) throws Exception {
        JsonNode page = json.readTree(mvc.perform(get(FINDINGS + query)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString());
        List<String> types = new ArrayList<>();
        page.get("items").forEach(i -> types.add(i.get("type").asText()));
        return types;
    }

    @Test
    void theTypeFilterTakesTheCrackFamilyAndSingleKinds() throws Exception {
        threeKindsAndAPothole();
        assertThat(typesOf("?type=crack")).containsExactlyInAnyOrder("longitudinal_crack", "alligator_crack", "crack");
        assertThat(typesOf("?type=cracks")).hasSize(3);
        assertThat(typesOf("?type=longitudinal_crack")).containsExactly("longitudinal_crack");
        assertThat(typesOf("?type=D20")).containsExactly("alligator_crack");
        assertThat(typesOf("?type=pothole,alligator_crack")).containsExactlyInAnyOrder("pothole", "alligator_crack");
        assertThat(typesOf("?type=pothole")).containsExactly("pothole");
        assertThat(typesOf("")).hasSize(4);
        mvc.perform(get(FINDINGS + "?type=crevasse")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/invalid-parameter"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("crack: every kind of crack")));
    }

    @Test
    void exportsCarryTheFamilyAndACracksLength() throws Exception {
        threeKindsAndAPothole();
        JsonNode fc = json.readTree(mvc.perform(get(FINDINGS + "/export.geojson?type=longitudinal_crack"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(fc.get("features")).hasSize(1);
        JsonNode p = fc.at("/features/0/properties");
        assertThat(p.get("type").asText()).isEqualTo("longitudinal_crack");
        assertThat(p.get("family").asText()).isEqualTo("crack");
        assertThat(p.get("length_m").asDouble()).isEqualTo(3.0);
        String csv = mvc.perform(get(FINDINGS + "/export.csv?type=crack")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(csv.lines().skip(1)).hasSize(3).allSatisfy(l -> assertThat(l).contains("crack,"));
    }

    @Test
    void aRowWrittenWithoutTypeWeightsStillMergesByItsType() {
        // A finding as the previous version wrote it (type_weights empty, V18's default).
        IngestResult r = store.ingest("461", DriveInfo.of("d1", "t"), List.of(longitudinal(ODENSE, 0.6f, 1, 2.0)));
        jdbc.update("UPDATE finding SET type_weights = '{}'::jsonb");
        store.ingest("461", DriveInfo.of("d2", "t"), List.of(crack(DamageType.CRACK, offset(ODENSE, 1, 0), 0, 0.9f, 1,
                0.3, 2.0, "b.mp4", T0.plusSeconds(100), Fixtures.JPEG)));
        assertThat(jdbc.queryForMap("SELECT damage_type, observation_count FROM finding WHERE id = ?", r.findingIds().get(0)))
                .containsEntry("damage_type", "longitudinal_crack").containsEntry("observation_count", 2);
    }
}
