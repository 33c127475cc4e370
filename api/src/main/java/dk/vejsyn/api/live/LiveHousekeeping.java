package dk.vejsyn.api.live;

import dk.vejsyn.api.drive.DriveRepository;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.finding.RedriveResult;
import dk.vejsyn.inference.frame.GeoTag;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The live inbox's housekeeping, apart from the frame path of {@link LiveIngest}: ending quiet
 * sessions (their re-drive evidence) and deleting processed rows past their retention. Every
 * instance runs it; row locks ({@code SKIP LOCKED}) keep two instances off the same session.
 */
final class LiveHousekeeping {
    private static final Logger log = LoggerFactory.getLogger(LiveHousekeeping.class);

    private final LiveProperties props;
    private final LiveInbox inbox;
    private final DriveRepository drives;
    private final FindingStore store;
    private final TransactionTemplate tx;
    private final VehicleCameras cameras;

    LiveHousekeeping(LiveProperties props, LiveInbox inbox, DriveRepository drives, FindingStore store, TransactionTemplate tx,
            VehicleCameras cameras) {
        this.props = props;
        this.inbox = inbox;
        this.drives = drives;
        this.store = store;
        this.tx = tx;
        this.cameras = cameras;
    }

    /** How often processed inbox rows past their retention are deleted. */
    static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    /** Rows per delete statement: short transactions that do not hold up the workers. */
    private static final int PURGE_BATCH = 10_000;

    /** Deletes processed inbox rows older than the retention, in batches, while {@code running}. */
    void purgeInbox(BooleanSupplier running) {
        try {
            int total = 0;
            for (int n; running.getAsBoolean() && (n = inbox.purgeProcessed(props.inboxRetention(), PURGE_BATCH)) > 0; ) {
                total += n;
            }
            if (total > 0) {
                log.info("deleted {} processed live frames older than {}", total, props.inboxRetention());
            }
        } catch (RuntimeException e) {
            log.warn("purging processed live frames failed (retried in {}): {}", PURGE_INTERVAL, e.toString());
        }
    }

    /**
     * Records re-drive evidence for sessions that have ended (quiet for the session gap, nothing
     * waiting): findings their camera had in view but did not detect get "not seen", exactly as
     * for an uploaded drive, so live vehicles also move repaired potholes towards
     * possibly_repaired. One round; the recovery thread runs it every recovery interval.
     */
    void recordEndedSessions() {
        try {
            tx.executeWithoutResult(status -> {
                for (LiveInbox.SessionToPass s : inbox.sessionsToPass(props.sessionGap(), 10)) {
                    List<GeoTag> frames = inbox.processedFrames(s.driveRef());
                    RedriveResult r = store.recordPass(s.municipality(), s.driveRef(), frames,
                            cameras.locatorFor(s.vehicle()).camera());
                    drives.drawLiveTrack(r.driveId(), s.driveRef());
                    inbox.markPassed(s.id());
                    log.info("live session {} ended: {} frames, {} findings in view, {} not seen", s.driveRef(),
                            frames.size(), r.inView().size(), r.notSeen().size());
                }
            });
        } catch (RuntimeException e) {
            log.warn("recording ended live sessions failed (retried): {}", e.toString());
        }
    }
}
