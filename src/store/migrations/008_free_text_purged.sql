-- When a conversation's typed text was last purged: it is due again only if it changed since.
ALTER TABLE conversations ADD COLUMN free_text_purged_at INTEGER;
