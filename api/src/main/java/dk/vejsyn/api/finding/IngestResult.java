package dk.vejsyn.api.finding;

import java.util.List;

/**
 * What one {@link FindingStore#ingest} call did.
 *
 * @param driveId the drive's id in the store
 * @param observationsStored new observation rows
 * @param duplicatesSkipped observations already stored (same drive, source, frame, type and box)
 * @param findingsCreated findings started by this call
 * @param findingsUpdated existing findings that received observations
 * @param findingIds for each input observation in order, the finding it belongs to (also for duplicates)
 */
public record IngestResult(long driveId, int observationsStored, int duplicatesSkipped, int findingsCreated,
        int findingsUpdated, List<Long> findingIds) {}
