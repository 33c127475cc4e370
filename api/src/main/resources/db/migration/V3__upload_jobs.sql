-- Uploaded drives being processed. JobRunr (tables jobrunr_*) owns scheduling, retries and
-- fail-over; this table holds what the user asks about (GET /api/v1/jobs/{id}) and what a
-- resumed job needs: its input files and how far its observations are committed.
CREATE TABLE upload_job (
    id                  uuid        PRIMARY KEY,          -- also the JobRunr job id
    municipality_id     smallint    NOT NULL REFERENCES municipality (id),
    drive_ref           text        NOT NULL,
    vehicle             text        NOT NULL,
    kind                text        NOT NULL CHECK (kind IN ('video', 'images')),
    spool_dir           text        NOT NULL,
    video_file          text,                             -- file names inside spool_dir
    track_file          text,
    images_file         text,
    camera_json         text,                             -- null: the default dashcam profile
    state               text        NOT NULL DEFAULT 'queued'
                                    CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    frames_total        bigint,                           -- frames the source expects to read
    committed_frame     bigint      NOT NULL DEFAULT -1,  -- every frame up to this index is stored
    frames_processed    bigint      NOT NULL DEFAULT 0,   -- sampled frames run through the detector
    observations_stored integer     NOT NULL DEFAULT 0,
    duplicates_skipped  integer     NOT NULL DEFAULT 0,
    findings_created    integer     NOT NULL DEFAULT 0,
    findings_updated    integer     NOT NULL DEFAULT 0,
    attempts            integer     NOT NULL DEFAULT 0,
    error               text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    run_started_at      timestamptz,                      -- start of the current attempt, for the ETA
    run_start_frame     bigint      NOT NULL DEFAULT -1,  -- committed_frame when it started
    finished_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX upload_job_drive_idx ON upload_job (municipality_id, drive_ref);
