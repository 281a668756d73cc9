-- PostgreSQL form of ../012_handoff_expired.sql: a request whose practitioner has gone for good
-- (their chat link has lapsed: retention.resume_token_hours) is closed by the server as
-- 'expired', with the reason staff are shown.
-- SQLite rebuilds handoffs to change its CHECK (copying every row, then re-creating its two
-- indexes and the conversation_hubs_handoff trigger that DROP TABLE took with it). PostgreSQL
-- replaces the named CHECK in place and adds the column, so the rows, the indexes
-- one_open_handoff_per_conversation and handoffs_open_by_queue, and the trigger (010) stay.
ALTER TABLE handoffs DROP CONSTRAINT handoffs_status_check;
ALTER TABLE handoffs ADD CONSTRAINT handoffs_status_check
  CHECK (status IN ('requested', 'accepted', 'ended', 'cancelled', 'unavailable', 'expired'));
ALTER TABLE handoffs ADD COLUMN closed_reason TEXT;  -- why the server closed it (expired): plain words, no personal data
