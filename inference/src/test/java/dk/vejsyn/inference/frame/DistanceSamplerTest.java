package dk.vejsyn.inference.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.frame.track.Track;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DistanceSamplerTest {

    /** Runs a sampler over a track at {@code fps} and counts decisions. */
    static Map<SkipReason, Integer> sample(Track track, DistanceSampler sampler, double fps, List<GeoTag> kept) {
        Map<SkipReason, Integer> skipped = new EnumMap<>(SkipReason.class);
        long frames = Math.round(track.duration().toNanos() / 1e9 * fps);
        for (long i = 0; i <= frames; i++) {
            Instant t = track.start().plusNanos(Math.round(i * 1e9 / fps));
            GeoTag tag = track.at(t);
            Optional<SkipReason> skip = sampler.decide(tag);
            if (skip.isPresent()) {
                skipped.merge(skip.get(), 1, Integer::sum);
            } else {
                kept.add(tag);
            }
        }
        return skipped;
    }

    @Test
    void keepsOneFrameEveryFourMetresAtAKnownSpeed() {
        // 96 m at 12 m/s (43 km/h), 30 fps: 241 frames 0.4 m apart; one kept per 4 m: 0, 4, …, 96 m → 25.
        Track track = new Track("t", Fixtures.straightDrive(0, 12, 9, 1));
        List<GeoTag> kept = new ArrayList<>();
        Map<SkipReason, Integer> skipped = sample(track, new DistanceSampler(4.0, 0.5), 30, kept);
        assertThat(kept).hasSize(25);
        assertThat(skipped).containsOnlyKeys(SkipReason.BELOW_SAMPLING_DISTANCE);
        for (int i = 1; i < kept.size(); i++) {
            GeoTag a = kept.get(i - 1);
            GeoTag b = kept.get(i);
            assertThat(Georeferencer.distanceM(a.lat(), a.lon(), b.lat(), b.lon())).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void theDistanceIsConfigurable() {
        Track track = new Track("t", Fixtures.straightDrive(0, 10, 11, 1)); // 100 m
        List<GeoTag> kept = new ArrayList<>();
        sample(track, new DistanceSampler(10.0, 0.5), 25, kept);
        assertThat(kept).hasSize(11);
    }

    @Test
    void skipsStandstillAndKeepsNothingFromGpsJitter() {
        List<GeoTag> fixes = new ArrayList<>(Fixtures.straightDrive(90, 5, 5, 1)); // 20 m in 4 s
        LatLon stop = Georeferencer.destination(Fixtures.LAT, Fixtures.LON, 90, 20);
        // Parked for a minute: identical fixes (a receiver with static hold) ...
        for (int i = 1; i <= 30; i++) {
            fixes.add(GeoTag.of(stop.lat(), stop.lon(), Fixtures.T0.plusSeconds(4 + i)));
        }
        // ... then 30 s of 0.8 m scatter (no static hold).
        for (int i = 1; i <= 30; i++) {
            LatLon p = Georeferencer.destination(stop.lat(), stop.lon(), (i * 137) % 360, 0.8);
            fixes.add(GeoTag.of(p.lat(), p.lon(), Fixtures.T0.plusSeconds(34 + i)));
        }
        Track track = new Track("t", fixes);
        List<GeoTag> kept = new ArrayList<>();
        Map<SkipReason, Integer> skipped = sample(track, new DistanceSampler(4.0, 0.5), 25, kept);
        // 0, 4, 8, 12, 16 m (the frame arriving at 20 m already belongs to the stop); nothing while parked
        assertThat(kept).hasSizeBetween(5, 6);
        assertThat(skipped.get(SkipReason.STANDSTILL)).isGreaterThanOrEqualTo(30 * 25);
    }
}
