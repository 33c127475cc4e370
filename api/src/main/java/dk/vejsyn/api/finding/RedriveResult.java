package dk.vejsyn.api.finding;

import java.util.List;

/**
 * What evaluating a drive's pass over known findings did.
 *
 * @param driveId the drive
 * @param inView findings the camera had in view at some frame
 * @param notSeen findings in view with no observation from this drive (each got a {@code not_seen} event)
 * @param becamePossiblyRepaired findings that reached the not-seen threshold in this pass
 */
public record RedriveResult(long driveId, List<Long> inView, List<Long> notSeen, List<Long> becamePossiblyRepaired) {}
