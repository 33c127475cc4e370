-- Live frames from vehicle units (MQTT and HTTP).
--
-- live_frame is the durable inbox: a frame is acknowledged to the vehicle (MQTT PUBACK, HTTP 202)
-- only after its row has committed, so an acknowledged frame survives a crash. The unique key
-- (vehicle, frame_id) makes a frame sent twice, over either transport or to two service instances,
-- one row, processed once. Workers mark a row 'done' in the same transaction that stores its
-- observations, and drop its JPEG bytes then (data minimisation); the small row stays as the
-- record that the frame was processed.
CREATE TABLE live_session (
    id                bigserial   PRIMARY KEY,
    municipality_code text        NOT NULL,
    vehicle           text        NOT NULL,
    drive_ref         text        NOT NULL UNIQUE,
    started_at        timestamptz NOT NULL,
    last_frame_at     timestamptz NOT NULL
);
CREATE INDEX live_session_vehicle_idx ON live_session (vehicle, municipality_code, last_frame_at);

CREATE TABLE live_frame (
    id                bigserial   PRIMARY KEY,
    municipality_code text        NOT NULL,
    vehicle           text        NOT NULL,
    frame_id          text        NOT NULL,
    transport         text        NOT NULL CHECK (transport IN ('mqtt', 'http')),
    drive_ref         text        NOT NULL,
    lat               double precision NOT NULL,
    lon               double precision NOT NULL,
    heading           double precision,
    speed             double precision,
    accuracy          double precision,
    captured_at       timestamptz NOT NULL,
    jpeg              bytea,
    state             text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
    -- The instance holding the frame, and until when: after that another instance may take it over.
    owner             text,
    lease_until       timestamptz,
    attempts          integer     NOT NULL DEFAULT 0,
    error             text,
    observations      integer,
    received_at       timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz,
    processed_by      text,
    UNIQUE (vehicle, frame_id)
);
CREATE INDEX live_frame_queued_idx ON live_frame (lease_until, id) WHERE state = 'queued';
CREATE INDEX live_frame_drive_idx ON live_frame (drive_ref);
