-- Fleet health (issue 18): what each vehicle unit last reported about itself, and a short history.
-- Heartbeats arrive over MQTT ({prefix}/{municipality}/{vehicle}/heartbeat) or HTTP
-- (POST /api/v1/vehicles/{vehicle}/heartbeat). A redelivered heartbeat (same vehicle and sent
-- time) is stored once; an older one arriving late (from the agent's outbox) goes into the history
-- and moves last_seen, but never replaces a newer report.
CREATE TABLE vehicle_status (
    municipality_id smallint    NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
    vehicle         text        NOT NULL,
    sent_at         timestamptz NOT NULL,                  -- the agent's clock (GPS time)
    last_seen       timestamptz NOT NULL,                  -- the service's clock: when a heartbeat last arrived
    lat             double precision,                      -- null: no GPS fix
    lon             double precision,
    agent_version   text,
    mode            text,
    outbox_items    bigint,
    outbox_bytes    bigint,
    dropped_items   bigint,
    last_error      text,
    transport       text        NOT NULL CHECK (transport IN ('mqtt', 'http')),
    PRIMARY KEY (municipality_id, vehicle),
    CHECK ((lat IS NULL) = (lon IS NULL))
);

CREATE TABLE vehicle_heartbeat (
    municipality_id smallint    NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
    vehicle         text        NOT NULL,
    sent_at         timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    lat             double precision,
    lon             double precision,
    agent_version   text,
    mode            text,
    outbox_items    bigint,
    outbox_bytes    bigint,
    dropped_items   bigint,
    last_error      text,
    transport       text        NOT NULL CHECK (transport IN ('mqtt', 'http')),
    PRIMARY KEY (municipality_id, vehicle, sent_at)
);

-- The purge of heartbeats past vejsyn.fleet.history-retention.
CREATE INDEX vehicle_heartbeat_received_idx ON vehicle_heartbeat (received_at);
