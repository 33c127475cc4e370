-- Road network (issue 16): segments of the municipality's roads, which drives covered them, and a
-- dated history of their condition rating. Geometry is WGS84 like the rest of the store.

-- A stretch of road of about 50-100 m. A re-import keeps a segment (its id, coverage and history)
-- when it yields the same geometry again (same geom_key); segments it no longer yields are retired,
-- never deleted, so their history stays readable.
CREATE TABLE road_segment (
    id              bigserial   PRIMARY KEY,
    municipality_id smallint    NOT NULL REFERENCES municipality (id),
    road_name       text,
    geom            geometry(LineString, 4326) NOT NULL,
    length_m        double precision NOT NULL CHECK (length_m > 0),
    -- md5 of the direction-normalised geometry on a 1e-6 degree grid (about 0.1 m)
    geom_key        text        NOT NULL,
    source_feature  text,
    imported_at     timestamptz NOT NULL DEFAULT now(),
    retired_at      timestamptz,
    UNIQUE (municipality_id, geom_key)
);
CREATE INDEX road_segment_geom_idx ON road_segment USING gist (geom) WHERE retired_at IS NULL;
CREATE INDEX road_segment_muni_idx ON road_segment (municipality_id, id) WHERE retired_at IS NULL;

-- A drive ran along most of the segment (distance and heading tolerance): vejsyn.roads.coverage-*.
CREATE TABLE road_segment_coverage (
    segment_id      bigint      NOT NULL REFERENCES road_segment (id),
    drive_id        bigint      NOT NULL REFERENCES drive (id) ON DELETE CASCADE,
    driven_at       timestamptz NOT NULL,
    covered_share   real        NOT NULL CHECK (covered_share BETWEEN 0 AND 1),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (segment_id, drive_id)
);
CREATE INDEX road_segment_coverage_drive_idx ON road_segment_coverage (drive_id);
CREATE INDEX road_segment_coverage_driven_idx ON road_segment_coverage (segment_id, driven_at DESC);

-- One row per segment and day on which its rating (or what it is made of) changed.
CREATE TABLE road_segment_condition (
    segment_id      bigint      NOT NULL REFERENCES road_segment (id),
    rated_on        date        NOT NULL,
    condition       smallint    CHECK (condition BETWEEN 1 AND 5),   -- null: not inspected within the window
    condition_index real,                                            -- 0-100, PCI-like
    potholes        integer     NOT NULL,
    crack_length_m  double precision NOT NULL,
    last_driven_at  timestamptz,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (segment_id, rated_on)
);

-- Each import: what it read and what it did to the network.
CREATE TABLE road_network_import (
    id              bigserial   PRIMARY KEY,
    municipality_id smallint    NOT NULL REFERENCES municipality (id),
    source          text        NOT NULL,
    source_crs      text        NOT NULL,
    features        integer     NOT NULL,
    segments        integer     NOT NULL,
    kept            integer     NOT NULL,
    added           integer     NOT NULL,
    retired         integer     NOT NULL,
    actor           text        NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now()
);
