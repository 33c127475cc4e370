-- Re-drive evidence for live streams: when a vehicle's stream session has been quiet for the
-- session gap (by the time frames were received, not the vehicle's clock) and none of its frames
-- still waits, the findings its camera passed without seeing get "not seen" evidence, once, as for
-- an uploaded drive. A frame that joins the session later clears passed_at, so the (idempotent)
-- evaluation runs again with it.
ALTER TABLE live_session ADD COLUMN last_received_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE live_session ADD COLUMN passed_at timestamptz;
CREATE INDEX live_session_to_pass_idx ON live_session (last_received_at) WHERE passed_at IS NULL;
