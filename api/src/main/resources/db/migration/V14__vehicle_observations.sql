-- Observations a vehicle made on board (the vehicle agent's edge mode, issue 18): one row per vehicle
-- and observation id, written in the same transaction as the observation itself, so a repeat (a
-- vehicle sending again after a lost acknowledgement, over MQTT or HTTP, to any instance) is answered
-- "duplicate" and stored once.
CREATE TABLE vehicle_observation (
    vehicle         text        NOT NULL,
    observation_id  text        NOT NULL,
    drive_ref       text        NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (vehicle, observation_id)
);
