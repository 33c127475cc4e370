package dk.vejsyn.inference.render;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.geo.CameraModel;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class RendererDeterminismTest {

    private static final CameraModel SMALL = CameraModel.refuseTruckDashcam().forImageSize(640, 360);

    private static RoadScene scene(long seed) {
        RoadLayout lay = RoadLayout.municipalStreet();
        return SceneGenerator.forDrive(seed, 120, 8, lay, Weather.sunny(), lay.drivingLaneCentreM());
    }

    @Test
    void sameSeedGivesSameGroundTruth() {
        RoadScene a = scene(11);
        RoadScene b = scene(11);
        assertThat(a.potholes()).hasSize(8);
        for (int i = 0; i < a.potholes().size(); i++) {
            assertThat(a.potholes().get(i).footprint()).isEqualTo(b.potholes().get(i).footprint());
        }
        assertThat(a.distractors()).isEqualTo(b.distractors());
        assertThat(scene(12).potholes().get(0).footprint()).isNotEqualTo(a.potholes().get(0).footprint());
    }

    @Test
    void sameSeedGivesSamePixels() throws Exception {
        String first = frameHash(scene(5), 20);
        String again = frameHash(scene(5), 20);
        String other = frameHash(scene(6), 20);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void datasetSampleIsReproducible() {
        DatasetRenderer.Sample a = new DatasetRenderer(7).render(3);
        DatasetRenderer.Sample b = new DatasetRenderer(7).render(3);
        assertThat(a.jpeg()).isEqualTo(b.jpeg());
        assertThat(a.labels()).isEqualTo(b.labels());
    }

    private static String frameHash(RoadScene scene, double s) throws Exception {
        try (SceneRenderer r = new SceneRenderer(SMALL, scene)) {
            Mat m = r.render(s, scene.layout().drivingLaneCentreM(), 3);
            byte[] px = new byte[(int) (m.total() * m.channels())];
            m.get(0, 0, px);
            m.release();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(px));
        }
    }
}
