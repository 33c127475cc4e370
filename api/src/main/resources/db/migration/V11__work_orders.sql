-- Repair runs (issue 17): a planner schedules confirmed findings for a crew on a date; the work
-- order is what the crew gets, printed. (V10 is the broker credentials' migration.)
CREATE TABLE work_order (
    id              bigserial   PRIMARY KEY,
    municipality_id smallint    NOT NULL REFERENCES municipality (id),
    planned_for     date        NOT NULL,
    crew            text        NOT NULL CHECK (length(crew) BETWEEN 1 AND 200),
    note            text        CHECK (length(note) <= 4000),
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_order_municipality_idx ON work_order (municipality_id, planned_for DESC, id DESC);

-- The findings of a work order, numbered as on the printed order.
CREATE TABLE work_order_finding (
    work_order_id   bigint      NOT NULL REFERENCES work_order (id) ON DELETE CASCADE,
    finding_id      bigint      NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
    position        integer     NOT NULL CHECK (position >= 1),
    PRIMARY KEY (work_order_id, finding_id),
    UNIQUE (work_order_id, position)
);
CREATE INDEX work_order_finding_finding_idx ON work_order_finding (finding_id);
