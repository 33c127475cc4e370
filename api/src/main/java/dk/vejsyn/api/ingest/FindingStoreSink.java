package dk.vejsyn.api.ingest;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.finding.IngestResult;
import dk.vejsyn.api.finding.RedriveResult;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.pipeline.ObservationSink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Delivers a batch run's observations to the findings store as one drive: observations are
 * merged into findings, the drive's track is recorded, and findings the camera passed without
 * seeing get "not seen" evidence. Everything is written when the run completes, in one
 * transaction per step, so a failed run stores nothing (and a re-run of the same drive is
 * idempotent, per frame and box).
 */
public final class FindingStoreSink implements ObservationSink {
    private final FindingStore store;
    private final String municipality;
    private final String driveRef;
    private final String vehicle;
    private final CameraModel camera;
    private final List<Observation> observations = new ArrayList<>();
    private final List<GeoTag> frames = new ArrayList<>();
    private IngestResult ingest;
    private RedriveResult redrive;

    public FindingStoreSink(FindingStore store, String municipality, String driveRef, String vehicle, CameraModel camera) {
        this.store = store;
        this.municipality = municipality;
        this.driveRef = driveRef;
        this.vehicle = vehicle;
        this.camera = camera;
    }

    @Override
    public synchronized void accept(Observation o) {
        observations.add(o);
    }

    @Override
    public synchronized void frameProcessed(GeoTag tag, String source, long frameIndex) {
        frames.add(tag);
    }

    @Override
    public synchronized void complete() {
        frames.sort(Comparator.comparing(GeoTag::time));
        ingest = store.ingest(municipality, DriveInfo.fromFrames(driveRef, vehicle, frames), observations);
        redrive = store.recordPass(municipality, driveRef, frames, camera);
    }

    /** The store's answer, after {@link #complete()}. */
    public synchronized IngestResult ingestResult() {
        return ingest;
    }

    public synchronized RedriveResult redriveResult() {
        return redrive;
    }

    /** One line for the end of a CLI run. */
    public synchronized String summary() {
        if (ingest == null) {
            return "nothing stored";
        }
        return String.format("stored %d observations (%d already known) in municipality %s: %d new findings, %d updated; "
                        + "%d known findings passed without being seen (%d now possibly repaired)",
                ingest.observationsStored(), ingest.duplicatesSkipped(), municipality, ingest.findingsCreated(),
                ingest.findingsUpdated(), redrive == null ? 0 : redrive.notSeen().size(),
                redrive == null ? 0 : redrive.becamePossiblyRepaired().size());
    }
}
