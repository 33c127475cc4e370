package dk.vejsyn.api.finding;

import java.time.Instant;
import java.util.List;

/** Read models of the maintenance API. Coordinates are WGS84 degrees. */
public final class FindingViews {

    private FindingViews() {}

    /** One finding as lists show it. */
    public record FindingSummary(long id, String type, String status, int severity, double lat, double lon,
            Instant firstSeenAt, Instant lastSeenAt, int observationCount, double maxScore, double areaM2,
            double widthM, double lengthM, int notSeenCount, Long bestObservationId) {}

    /** A page of findings and the opaque cursor of the next page ({@code null} on the last page). */
    public record FindingPage(List<FindingSummary> items, String nextCursor) {}

    /** A finding with its observations and history. */
    public record FindingDetail(FindingSummary finding, List<ObservationView> observations, List<EventView> events) {}

    public record ObservationView(long id, long driveId, String driveRef, String vehicle, String type, double score,
            double lat, double lon, Instant capturedAt, Double distanceM, Double widthM, Double lengthM, Double areaM2,
            double vehicleLat, double vehicleLon, Double vehicleHeadingDeg, String source, long frameIndex,
            double[] box, boolean hasEvidence) {}

    public record EventView(long id, String kind, String actor, Instant at, String fromStatus, String toStatus,
            Long driveId, Long observationId, String note) {}
}
