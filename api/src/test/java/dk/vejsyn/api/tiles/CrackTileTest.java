package dk.vejsyn.api.tiles;

import static dk.vejsyn.api.CrackFixtures.longitudinal;
import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.pothole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Crack findings in the vector tiles: their type, family and length, and the type filter. */
class CrackTileTest extends PostgisIntegrationTest {

    @Autowired
    FindingStore store;

    private byte[] tile(String query) throws Exception {
        int[] t = TileTest.tileOf(ODENSE.lat(), ODENSE.lon(), 15);
        return mvc.perform(get("/api/v1/municipalities/461/tiles/15/" + t[0] + "/" + t[1] + ".mvt" + query))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray();
    }

    @Test
    void crackFeaturesCarryTypeFamilyAndLengthAndTheTypeFilterNarrowsThem() throws Exception {
        store.ingest("461", DriveInfo.of("d", "t"), List.of(pothole(ODENSE, 0.9f, 1),
                longitudinal(offset(ODENSE, 30, 0), 0.8f, 2, 3.0)));

        byte[] all = tile("");
        List<TileTest.Layer> layers = TileTest.decode(all);
        assertThat(layers.get(0).features()).isEqualTo(2);
        assertThat(layers.get(0).keys()).contains("type", "family", "length_m", "area_m2");
        String values = new String(all, StandardCharsets.ISO_8859_1);
        assertThat(values).contains("longitudinal_crack", "pothole");

        byte[] cracks = tile("?type=crack");
        assertThat(TileTest.decode(cracks).get(0).features()).isEqualTo(1);
        assertThat(new String(cracks, StandardCharsets.ISO_8859_1)).contains("longitudinal_crack").doesNotContain("pothole");
        assertThat(TileTest.decode(tile("?type=pothole")).get(0).features()).isEqualTo(1);
        assertThat(tile("?type=alligator_crack")).isEmpty();
        mvc.perform(get("/api/v1/municipalities/461/tiles/15/0/0.mvt?type=crevasse")).andExpect(status().isBadRequest());
    }
}
