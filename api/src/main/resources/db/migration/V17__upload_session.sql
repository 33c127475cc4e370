-- Resumable uploads (issue 18): a drive sent in byte ranges (PUT with Content-Range) over as many
-- connections as it takes, then handed to the upload job path as POST /api/v1/drives would.
-- The bytes live in the spool (vejsyn.jobs.spool-dir/resumable/{id}/{part}); this table holds
-- how many of them are durable (fsync'ed before the count moves, so the count never runs ahead of
-- the disk) and who is writing.
CREATE TABLE upload_session (
    id              uuid        PRIMARY KEY,
    municipality_id smallint    NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
    vehicle         text,                                  -- null: unknown (as in a form without one)
    drive_ref       text,                                  -- null: upload:{job id}
    created_by      text        NOT NULL,                  -- token name (or jwt:user)
    created_by_vehicle text,                               -- a vehicle token's own vehicle: only it may continue
    state           text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'finishing', 'finished')),
    job_id          uuid,                                  -- the job it became (state finished)
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL                   -- last activity + vejsyn.jobs.resumable.session-expiry
);

CREATE INDEX upload_session_expires_idx ON upload_session (expires_at);

CREATE TABLE upload_session_part (
    session_id      uuid        NOT NULL REFERENCES upload_session (id) ON DELETE CASCADE,
    name            text        NOT NULL CHECK (name IN ('video', 'track', 'images', 'camera')),
    file_name       text        NOT NULL,
    size            bigint      NOT NULL CHECK (size > 0),
    received        bigint      NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
    writer          uuid,                                  -- the request writing it now (a lease) ...
    writer_until    timestamptz,                           -- ... until then, renewed at every commit
    PRIMARY KEY (session_id, name)
);
