package dk.vejsyn.api.tiles;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.Fixtures;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class TileTest extends PostgisIntegrationTest {

    @Autowired
    FindingStore store;

    static int[] tileOf(double lat, double lon, int z) {
        int n = 1 << z;
        int x = (int) Math.floor((lon + 180) / 360 * n);
        double r = Math.toRadians(lat);
        int y = (int) Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
        return new int[] {x, y};
    }

    @Test
    void tileWithFindingsDecodesToAFindingsLayerWithFeatures() throws Exception {
        store.ingest("461", DriveInfo.of("d", "t"), List.of(Fixtures.pothole(ODENSE, 0.9f, 1),
                Fixtures.pothole(Fixtures.offset(ODENSE, 30, 0), 0.9f, 2)));
        int[] t = tileOf(ODENSE.lat(), ODENSE.lon(), 15);
        byte[] mvt = mvc.perform(get("/api/v1/municipalities/461/tiles/15/" + t[0] + "/" + t[1] + ".mvt"))
                .andExpect(status().isOk()).andExpect(content().contentType("application/vnd.mapbox-vector-tile"))
                .andReturn().getResponse().getContentAsByteArray();
        List<Layer> layers = decode(mvt);
        assertThat(layers).hasSize(1);
        assertThat(layers.get(0).name).isEqualTo("findings");
        assertThat(layers.get(0).features).isEqualTo(2);
        assertThat(layers.get(0).keys).contains("type", "status", "severity");

        // Elsewhere, and in another municipality, the tile is empty.
        int[] far = tileOf(57.0, 9.9, 15);
        assertThat(mvc.perform(get("/api/v1/municipalities/461/tiles/15/" + far[0] + "/" + far[1] + ".mvt"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray()).isEmpty();
        assertThat(mvc.perform(get("/api/v1/municipalities/101/tiles/15/" + t[0] + "/" + t[1] + ".mvt"))
                .andReturn().getResponse().getContentAsByteArray()).isEmpty();
    }

    @Test
    void tileCoordinatesOutsideTheZoomAre400() throws Exception {
        mvc.perform(get("/api/v1/municipalities/461/tiles/2/4/0.mvt")).andExpect(status().isBadRequest());
        mvc.perform(get("/api/v1/municipalities/461/tiles/30/0/0.mvt")).andExpect(status().isBadRequest());
    }

    // ---- a minimal protobuf reader for the vector tile spec (layers = field 3; name 1, features 2, keys 3) ----

    record Layer(String name, int features, List<String> keys) {}

    static List<Layer> decode(byte[] tile) throws IOException {
        List<Layer> out = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(tile);
        while (in.available() > 0) {
            long tag = varint(in);
            byte[] payload = skipOrRead(in, tag);
            if (tag >>> 3 == 3 && payload != null) {
                ByteArrayInputStream l = new ByteArrayInputStream(payload);
                String name = null;
                int features = 0;
                List<String> keys = new ArrayList<>();
                while (l.available() > 0) {
                    long t = varint(l);
                    byte[] p = skipOrRead(l, t);
                    switch ((int) (t >>> 3)) {
                        case 1 -> name = new String(p, java.nio.charset.StandardCharsets.UTF_8);
                        case 2 -> features++;
                        case 3 -> keys.add(new String(p, java.nio.charset.StandardCharsets.UTF_8));
                        default -> { }
                    }
                }
                out.add(new Layer(name, features, keys));
            }
        }
        return out;
    }

    private static byte[] skipOrRead(ByteArrayInputStream in, long tag) throws IOException {
        switch ((int) (tag & 7)) {
            case 0 -> varint(in);
            case 1 -> in.skipNBytes(8);
            case 2 -> {
                return in.readNBytes((int) varint(in));
            }
            case 5 -> in.skipNBytes(4);
            default -> throw new IOException("bad wire type " + (tag & 7));
        }
        return null;
    }

    private static long varint(ByteArrayInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("truncated varint");
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
    }
}
