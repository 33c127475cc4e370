-- Processed inbox rows are deleted after vejsyn.live.inbox-retention (LiveInbox.purgeProcessed),
-- oldest first; this index finds them without scanning the whole inbox.
CREATE INDEX live_frame_retention_idx ON live_frame (received_at) WHERE state <> 'queued';
