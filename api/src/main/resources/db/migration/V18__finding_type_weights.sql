-- Cracks (issue 15): a finding's sightings may name different kinds of one family (a crack seen as
-- "longitudinal_crack" in one frame and plain "crack" in the next). The finding's type is decided
-- from the score weight of each kind among its observations, kept as a running sum like the
-- weighted position and size: {"longitudinal_crack": 1.7, "crack": 0.4}.
ALTER TABLE finding ADD COLUMN type_weights jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Existing findings: the same sums from their observations (weight = score, at least 0.001, as the merger counts).
UPDATE finding f SET type_weights = s.weights
FROM (SELECT finding_id, jsonb_object_agg(damage_type, w) AS weights
      FROM (SELECT finding_id, damage_type, sum(greatest(score, 0.001)::float8) AS w
            FROM observation WHERE finding_id IS NOT NULL GROUP BY finding_id, damage_type) t
      GROUP BY finding_id) s
WHERE s.finding_id = f.id;

-- The type filter of the API and the pages (type=crack: the whole family).
CREATE INDEX finding_muni_type_idx ON finding (municipality_id, damage_type, id);
