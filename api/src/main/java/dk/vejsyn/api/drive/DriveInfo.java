package dk.vejsyn.api.drive;

import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.LatLon;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One upload or stream session as the store records it.
 *
 * @param externalRef the caller's stable id for the drive (job id, file name, stream session);
 *     ingesting again with the same ref adds to the same drive
 * @param vehicle vehicle id or name
 * @param startedAt first frame time, or {@code null}
 * @param endedAt last frame time, or {@code null}
 * @param track vehicle positions in driving order (at least 2 to be stored as a LineString), may be empty
 */
public record DriveInfo(String externalRef, String vehicle, Instant startedAt, Instant endedAt, List<LatLon> track) {

    public DriveInfo {
        Objects.requireNonNull(externalRef, "externalRef");
        if (externalRef.isBlank()) {
            throw new IllegalArgumentException("drive externalRef must not be blank");
        }
        vehicle = vehicle == null ? "unknown" : vehicle;
        track = track == null ? List.of() : List.copyOf(track);
    }

    public static DriveInfo of(String externalRef, String vehicle) {
        return new DriveInfo(externalRef, vehicle, null, null, List.of());
    }

    /** A drive described by its frames' tags (time span and track from them). */
    public static DriveInfo fromFrames(String externalRef, String vehicle, List<GeoTag> frames) {
        Instant start = frames.stream().map(GeoTag::time).min(Instant::compareTo).orElse(null);
        Instant end = frames.stream().map(GeoTag::time).max(Instant::compareTo).orElse(null);
        return new DriveInfo(externalRef, vehicle, start, end,
                frames.stream().map(t -> new LatLon(t.lat(), t.lon())).toList());
    }
}
