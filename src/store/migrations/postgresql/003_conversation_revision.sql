-- PostgreSQL form of ../003_conversation_revision.sql (INTEGER is BIGINT).
-- A revision number per conversation: a write states the revision it read, so two
-- connections on one conversation (two tabs) cannot overwrite each other's progress.
ALTER TABLE conversations ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
