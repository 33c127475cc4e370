package dk.vejsyn.api.edge;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationFields;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes the observations vehicles made on board (the vehicle agent's {@code edge} mode), from MQTT
 * ({@link MqttObservationConsumer}) or HTTP ({@link EdgeObservationController}), into the findings
 * store by the same path as live and batch ingest ({@link FindingStore#ingest}), once per vehicle and
 * observation id: the id's row in {@code vehicle_observation} and the observation commit together,
 * so a repeat is answered {@link Outcome#DUPLICATE} and never stored twice.
 *
 * <p>An observation belongs to the drive {@code edge:{vehicle}:{drive}} (the agent's id for its run);
 * its source in the store is {@code edge/{vehicle}/{frame id}}.
 */
public final class EdgeObservations {
    private static final Pattern VEHICLE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** A damage crop is a few KiB; a megabyte is not a crop. */
    public static final int MAX_CROP_BYTES = 1 << 20;

    /** What became of an observation. */
    public enum Outcome { ACCEPTED, DUPLICATE }

    private final FindingStore store;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public EdgeObservations(FindingStore store, JdbcTemplate jdbc, TransactionTemplate tx) {
        this.store = store;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /**
     * Validates and stores one observation.
     *
     * @param field the wire fields ({@link ObservationFields}) by name
     * @param crop its evidence crop (JPEG), may be empty
     * @throws IllegalArgumentException when the ids or fields are invalid (the message says which)
     * @throws dk.vejsyn.api.error.ApiException 404 when the municipality is unknown
     * @throws org.springframework.dao.DataAccessException when the store cannot be written: not accepted
     */
    public Outcome accept(String municipality, String vehicle, Function<String, String> field, byte[] crop) {
        if (municipality == null || !municipality.matches("[0-9]{3}")) {
            throw new IllegalArgumentException("municipality must be a three-digit code");
        }
        if (vehicle == null || !VEHICLE.matcher(vehicle).matches()) {
            throw new IllegalArgumentException("vehicle id must match [A-Za-z0-9._-]{1,64}");
        }
        if (crop != null && crop.length > MAX_CROP_BYTES) {
            throw new IllegalArgumentException("evidence crop of " + crop.length + " bytes exceeds " + MAX_CROP_BYTES);
        }
        if (crop != null && crop.length > 0 && (crop.length < 4 || (crop[0] & 0xff) != 0xff || (crop[1] & 0xff) != 0xd8)) {
            throw new IllegalArgumentException("the evidence crop is not a JPEG");
        }
        ObservationFields.Received r = ObservationFields.parse(field, crop, frameId -> "edge/" + vehicle + "/" + frameId, 0);
        Observation o = r.observation();
        String driveRef = "edge:" + vehicle + ":" + r.drive();
        return tx.execute(s -> {
            int fresh = jdbc.update("INSERT INTO vehicle_observation (vehicle, observation_id, drive_ref) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", vehicle, r.observationId(), driveRef);
            if (fresh == 0) {
                return Outcome.DUPLICATE;
            }
            store.ingest(municipality, new DriveInfo(driveRef, vehicle, o.capturedAt(), o.capturedAt(), List.of()),
                    List.of(o));
            return Outcome.ACCEPTED;
        });
    }
}
