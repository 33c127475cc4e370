-- Who may use the service (issue 14): API tokens and the audit trail.

-- An API token. Only a password-grade hash of the token is kept (Spring Security's delegating
-- encoder, "{bcrypt}..."); token_id is the token's public, random lookup part, so a request costs
-- one indexed read and one hash check, never a scan. A name is unique among live tokens and may be
-- given again once its token is revoked (the demo re-creates its token on every run).
CREATE TABLE api_token (
    id              bigserial   PRIMARY KEY,
    token_id        text        NOT NULL UNIQUE CHECK (token_id ~ '^[a-z2-7]{16}$'),
    name            text        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$'),
    role            text        NOT NULL CHECK (role IN ('viewer', 'planner', 'vehicle', 'admin', 'operator')),
    municipality_id smallint    REFERENCES municipality (id) ON DELETE CASCADE,
    vehicle         text,
    secret_hash     text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL,
    expires_at      timestamptz,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    -- The operator runs the service for every municipality; every other role belongs to one.
    CHECK ((role = 'operator') = (municipality_id IS NULL)),
    CHECK ((role = 'vehicle') = (vehicle IS NOT NULL))
);
CREATE UNIQUE INDEX api_token_live_name ON api_token (name) WHERE revoked_at IS NULL;

-- Who did what, when, from where: every write that reached the service and every evidence image
-- viewed (GDPR: who looked at images of the street). Append-only: the table refuses UPDATE and
-- DELETE, so the trail cannot be edited through the service's own database account either.
CREATE TABLE audit_event (
    id              bigserial   PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text        NOT NULL,
    actor_role      text        NOT NULL,
    -- A code, not a reference: the trail outlives what it names.
    municipality    text,
    action          text        NOT NULL,
    target          text        NOT NULL,
    status          smallint,
    client_address  text
);
CREATE INDEX audit_event_municipality_at ON audit_event (municipality, id DESC);

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
-- TRUNCATE bypasses row triggers; refuse it as well.
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
