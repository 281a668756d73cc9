-- PostgreSQL form of ../008_free_text_purged.sql (INTEGER is BIGINT).
-- When a conversation's typed text was last purged: it is due again only if it changed since.
ALTER TABLE conversations ADD COLUMN free_text_purged_at BIGINT;
