package dk.vejsyn.api.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationFields;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * {@code POST /api/v1/vehicles/{vehicle}/observations}: an observation made on board is stored once
 * per observation id (a repeat is answered "duplicate" and adds nothing), into the findings store; a
 * bad one gets a 400 problem naming the field, an unknown municipality 404.
 */
@DirtiesContext
class EdgeObservationHttpTest extends PostgisIntegrationTest {

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.mqtt-enabled", () -> "false");
    }

    static final byte[] CROP = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0, (byte) 0xff, (byte) 0xd9};

    final String vehicle = "van-" + UUID.randomUUID().toString().substring(0, 8);

    Map<String, String> fields(String id) {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        GeoTag tag = new GeoTag(55.3731, 10.4118, 167.8, 9.2, t, 2.0, Double.NaN);
        Observation o = new Observation(DamageType.POTHOLE, 0.81f, new LatLon(55.37302, 10.41184), 9.5, 0.6, 0.4, 0.19,
                tag, "edge", 0, new PixelBox(600, 500, 680, 540), CROP);
        Map<String, String> f = new HashMap<>(ObservationFields.of(id, t.toString(), "run-1", o));
        f.put("municipality", "461");
        return f;
    }

    MockHttpServletRequestBuilder send(Map<String, String> fields, byte[] crop) {
        MockHttpServletRequestBuilder b = post("/api/v1/vehicles/{v}/observations", vehicle)
                .contentType(MediaType.IMAGE_JPEG).content(crop);
        fields.forEach((k, v) -> b.param(k, v));
        return b;
    }

    @Test
    void anObservationIsStoredOncePerIdAndJoinsTheFindings() throws Exception {
        Map<String, String> f = fields("obs-1");
        int findings = jdbc.queryForObject("SELECT count(*) FROM finding", Integer.class);
        mvc.perform(send(f, CROP)).andExpect(status().isAccepted()).andExpect(jsonPath("$.status").value("accepted"));
        mvc.perform(send(f, CROP)).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("duplicate"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM observation o JOIN drive d ON d.id = o.drive_id "
                + "WHERE d.external_ref = ?", Integer.class, "edge:" + vehicle + ":run-1")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT evidence_jpeg FROM observation o JOIN drive d ON d.id = o.drive_id "
                + "WHERE d.external_ref = ?", byte[].class, "edge:" + vehicle + ":run-1")).isEqualTo(CROP);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM finding", Integer.class)).isEqualTo(findings + 1);
    }

    @Test
    void aBadObservationIsRefusedWithAReason() throws Exception {
        Map<String, String> f = fields("obs-2");
        f.remove("box");
        mvc.perform(send(f, CROP)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/edge-observation-invalid"))
                .andExpect(jsonPath("$.detail").value("missing box"));
        Map<String, String> g = fields("obs-3");
        g.put("score", "1.7");
        mvc.perform(send(g, CROP)).andExpect(status().isBadRequest());
        mvc.perform(send(fields("obs-4"), new byte[] {1, 2, 3})).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("the evidence crop is not a JPEG"));
        Map<String, String> h = fields("obs-5");
        h.put("municipality", "999");
        mvc.perform(send(h, CROP)).andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vehicle_observation WHERE vehicle = ?", Integer.class, vehicle))
                .isZero();
    }
}
