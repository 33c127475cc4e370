package dk.vejsyn.inference.frame;

import dk.vejsyn.inference.geo.Georeferencer;
import java.util.Optional;

/**
 * Decides per frame, from its interpolated {@link GeoTag} alone, whether the pipeline should see
 * it: one frame per {@code everyM} metres travelled, none while the vehicle stands still.
 * Deciding from the tag lets sources skip the pixel conversion of frames they drop.
 *
 * <p>Distance is measured as the straight line from the last <em>kept</em> position, not summed
 * along the track: summing would let GPS jitter at a red light add up to metres and emit frames.
 * Over a few metres the straight line and the driven path differ by millimetres.
 *
 * <p>Stateful and not thread-safe: one sampler per source.
 */
public final class DistanceSampler {
    private final double everyM;
    private final double standstillSpeedMps;
    private GeoTag lastKept;

    /**
     * @param everyM keep a frame after this many metres; 0 keeps every moving frame
     * @param standstillSpeedMps frames with a known speed below this are skipped as standstill
     */
    public DistanceSampler(double everyM, double standstillSpeedMps) {
        if (!(everyM >= 0) || !(standstillSpeedMps >= 0)) {
            throw new IllegalArgumentException("distance and speed thresholds must be >= 0");
        }
        this.everyM = everyM;
        this.standstillSpeedMps = standstillSpeedMps;
    }

    /**
     * Empty if the frame at {@code tag} should be kept (and remembers it as the last kept
     * position), else why it is skipped.
     */
    public Optional<SkipReason> decide(GeoTag tag) {
        if (!Double.isNaN(tag.speedMps()) && tag.speedMps() < standstillSpeedMps) {
            return Optional.of(SkipReason.STANDSTILL);
        }
        if (lastKept != null) {
            double moved = Georeferencer.distanceM(lastKept.lat(), lastKept.lon(), tag.lat(), tag.lon());
            // A tiny tolerance so that frames exactly on the 4 m grid (synthetic tracks, constant
            // speed) are not lost to floating-point rounding.
            if (moved < everyM - 1e-6) {
                return Optional.of(SkipReason.BELOW_SAMPLING_DISTANCE);
            }
            if (Double.isNaN(tag.speedMps()) && moved == 0 && everyM == 0) {
                return Optional.of(SkipReason.STANDSTILL);
            }
        }
        lastKept = tag;
        return Optional.empty();
    }

    public double everyM() {
        return everyM;
    }
}
