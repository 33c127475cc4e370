package dk.vejsyn.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.cli.DetectionOptions;
import dk.vejsyn.inference.detect.ModelSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One typed record for how frames become observations, filled by the CLI and the service alike. */
class DetectionSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        DetectionSettings d = DetectionSettings.defaults();
        assertThat(d.maxRangeM()).isEqualTo(25.0);
        assertThat(d.sampleDistanceM()).isEqualTo(4.0);
        assertThat(d.evidenceMarginPx()).isEqualTo(16);
        assertThat(d.effectiveWorkers()).isEqualTo(PipelineSettings.defaultWorkers());
        assertThat(d.pipeline().evidenceMarginPx()).isEqualTo(16);
        assertThat(d.modelSpec().scoreThreshold()).isEqualTo(ModelSpec.load(d.model()).scoreThreshold());
    }

    @Test
    void thresholdsGivenOverrideTheModels() {
        DetectionSettings d = new DetectionSettings(DetectionSettings.defaults().model(), 0.5f, 0.3f, 20, 2, 8, 3);
        assertThat(d.modelSpec().scoreThreshold()).isEqualTo(0.5f);
        assertThat(d.modelSpec().iouThreshold()).isEqualTo(0.3f);
        assertThat(d.effectiveWorkers()).isEqualTo(3);
        assertThat(d.locator(dk.vejsyn.inference.geo.CameraModel.refuseTruckDashcam())).isNotNull();
    }

    @Test
    void impossibleValuesAreRefusedNamingThem() {
        var model = DetectionSettings.defaults().model();
        assertThatThrownBy(() -> new DetectionSettings(model, 1.5f, null, 25, 4, 16, 0)).hasMessageContaining("score");
        assertThatThrownBy(() -> new DetectionSettings(model, null, null, 0, 4, 16, 0)).hasMessageContaining("max range");
        assertThatThrownBy(() -> new DetectionSettings(model, null, null, 25, -1, 16, 0)).hasMessageContaining("sample");
        assertThatThrownBy(() -> new DetectionSettings(model, null, null, 25, 4, -1, 0)).hasMessageContaining("margin");
        assertThatThrownBy(() -> new DetectionSettings(model, null, null, 25, 4, 16, 65)).hasMessageContaining("workers");
    }

    @Test
    void theCommandLineOptionsMapOntoTheSameRecord() {
        DetectionOptions options = new DetectionOptions();
        new CommandLine(options).parseArgs("--max-range", "30", "--sample-distance", "0", "--score", "0.4",
                "--evidence-margin", "8", "--workers", "1");
        DetectionSettings d = options.settings();
        assertThat(d.maxRangeM()).isEqualTo(30);
        assertThat(d.sampleDistanceM()).isZero();
        assertThat(d.scoreThreshold()).isEqualTo(0.4f);
        assertThat(d.evidenceMarginPx()).isEqualTo(8);
        assertThat(d.workers()).isEqualTo(1);

        DetectionOptions bad = new DetectionOptions();
        new CommandLine(bad).parseArgs("--max-range", "-3");
        assertThatThrownBy(bad::settings).isInstanceOf(InputException.class).hasMessageContaining("max range");
    }
}
