-- Vejsyn findings store. Every row belongs to one municipality (tenant); every query is scoped to one.
-- Geometry is WGS84 (EPSG:4326); distances are computed in metres through geography.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE municipality (
    id          smallserial PRIMARY KEY,
    code        text        NOT NULL UNIQUE CHECK (code ~ '^[0-9]{3}$'),
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE drive (
    id              bigserial   PRIMARY KEY,
    municipality_id smallint    NOT NULL REFERENCES municipality (id),
    external_ref    text        NOT NULL,
    vehicle         text        NOT NULL,
    started_at      timestamptz,
    ended_at        timestamptz,
    track           geometry(LineString, 4326),
    frame_count     integer     NOT NULL DEFAULT 0,
    evaluated_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (municipality_id, external_ref)
);

CREATE TABLE finding (
    id                      bigserial   PRIMARY KEY,
    municipality_id         smallint    NOT NULL REFERENCES municipality (id),
    geom                    geometry(Point, 4326) NOT NULL,
    damage_type             text        NOT NULL,
    status                  text        NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'confirmed', 'scheduled', 'repaired', 'dismissed', 'possibly_repaired')),
    severity                smallint    NOT NULL CHECK (severity BETWEEN 1 AND 5),
    first_seen_at           timestamptz NOT NULL,
    last_seen_at            timestamptz NOT NULL,
    observation_count       integer     NOT NULL DEFAULT 0,
    max_score               real        NOT NULL,
    -- Running sums for the score-weighted mean position and size.
    weight_sum              double precision NOT NULL,
    w_lat                   double precision NOT NULL,
    w_lon                   double precision NOT NULL,
    w_area                  double precision NOT NULL,
    w_width                 double precision NOT NULL,
    w_length                double precision NOT NULL,
    area_m2                 double precision NOT NULL,
    width_m                 double precision NOT NULL,
    length_m                double precision NOT NULL,
    best_observation_id     bigint,
    best_evidence_score     real,
    not_seen_count          integer     NOT NULL DEFAULT 0,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finding_geom_idx ON finding USING gist (geom);
CREATE INDEX finding_muni_sev_idx ON finding (municipality_id, severity, id);
CREATE INDEX finding_muni_last_seen_idx ON finding (municipality_id, last_seen_at, id);
CREATE INDEX finding_muni_score_idx ON finding (municipality_id, max_score, id);

CREATE TABLE observation (
    id              bigserial   PRIMARY KEY,
    municipality_id smallint    NOT NULL REFERENCES municipality (id),
    drive_id        bigint      NOT NULL REFERENCES drive (id),
    finding_id      bigint      REFERENCES finding (id),
    geom            geometry(Point, 4326) NOT NULL,
    damage_type     text        NOT NULL,
    score           real        NOT NULL CHECK (score >= 0 AND score <= 1),
    distance_m      double precision,
    width_m         double precision,
    length_m        double precision,
    area_m2         double precision,
    captured_at     timestamptz NOT NULL,
    vehicle_geom    geometry(Point, 4326) NOT NULL,
    vehicle_heading double precision,
    vehicle_speed   double precision,
    source          text        NOT NULL,
    frame_index     bigint      NOT NULL,
    box_x1          real        NOT NULL,
    box_y1          real        NOT NULL,
    box_x2          real        NOT NULL,
    box_y2          real        NOT NULL,
    evidence_jpeg   bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Re-ingesting the same frame's detection is a no-op.
    CONSTRAINT observation_frame_uq UNIQUE (drive_id, source, frame_index, damage_type, box_x1, box_y1, box_x2, box_y2)
);
CREATE INDEX observation_finding_idx ON observation (finding_id);

ALTER TABLE finding ADD CONSTRAINT finding_best_observation_fk
    FOREIGN KEY (best_observation_id) REFERENCES observation (id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE finding_event (
    id              bigserial   PRIMARY KEY,
    municipality_id smallint    NOT NULL REFERENCES municipality (id),
    finding_id      bigint      NOT NULL REFERENCES finding (id),
    kind            text        NOT NULL CHECK (kind IN ('created', 'merged', 'status_changed', 'not_seen')),
    actor           text        NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    from_status     text,
    to_status       text,
    drive_id        bigint      REFERENCES drive (id),
    observation_id  bigint,
    note            text
);
CREATE INDEX finding_event_finding_idx ON finding_event (finding_id, id);

-- The 98 Danish municipalities (kommunekoder, Danmarks Statistik).
INSERT INTO municipality (code, name) VALUES
('101','København'),('147','Frederiksberg'),('151','Ballerup'),('153','Brøndby'),('155','Dragør'),
('157','Gentofte'),('159','Gladsaxe'),('161','Glostrup'),('163','Herlev'),('165','Albertslund'),
('167','Hvidovre'),('169','Høje-Taastrup'),('173','Lyngby-Taarbæk'),('175','Rødovre'),('183','Ishøj'),
('185','Tårnby'),('187','Vallensbæk'),('190','Furesø'),('201','Allerød'),('210','Fredensborg'),
('217','Helsingør'),('219','Hillerød'),('223','Hørsholm'),('230','Rudersdal'),('240','Egedal'),
('250','Frederikssund'),('253','Greve'),('259','Køge'),('260','Halsnæs'),('265','Roskilde'),
('269','Solrød'),('270','Gribskov'),('306','Odsherred'),('316','Holbæk'),('320','Faxe'),
('326','Kalundborg'),('329','Ringsted'),('330','Slagelse'),('336','Stevns'),('340','Sorø'),
('350','Lejre'),('360','Lolland'),('370','Næstved'),('376','Guldborgsund'),('390','Vordingborg'),
('400','Bornholm'),('410','Middelfart'),('420','Assens'),('430','Faaborg-Midtfyn'),('440','Kerteminde'),
('450','Nyborg'),('461','Odense'),('479','Svendborg'),('480','Nordfyns'),('482','Langeland'),
('492','Ærø'),('510','Haderslev'),('530','Billund'),('540','Sønderborg'),('550','Tønder'),
('561','Esbjerg'),('563','Fanø'),('573','Varde'),('575','Vejen'),('580','Aabenraa'),
('607','Fredericia'),('615','Horsens'),('621','Kolding'),('630','Vejle'),('657','Herning'),
('661','Holstebro'),('665','Lemvig'),('671','Struer'),('706','Syddjurs'),('707','Norddjurs'),
('710','Favrskov'),('727','Odder'),('730','Randers'),('740','Silkeborg'),('741','Samsø'),
('746','Skanderborg'),('751','Aarhus'),('756','Ikast-Brande'),('760','Ringkøbing-Skjern'),('766','Hedensted'),
('773','Morsø'),('779','Skive'),('787','Thisted'),('791','Viborg'),('810','Brønderslev'),
('813','Frederikshavn'),('820','Vesthimmerlands'),('825','Læsø'),('840','Rebild'),('846','Mariagerfjord'),
('849','Jammerbugt'),('851','Aalborg'),('860','Hjørring');

-- One "not seen" per finding and drive: re-evaluating a drive is a no-op.
CREATE UNIQUE INDEX finding_event_not_seen_uq ON finding_event (finding_id, drive_id) WHERE kind = 'not_seen';
