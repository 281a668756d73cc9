-- A request whose practitioner has gone for good (their chat link has lapsed: retention.
-- resume_token_hours) is closed by the server as 'expired', with the reason staff are shown.
-- SQLite cannot change a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE handoffs_new (
  reference       TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  status          TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'ended', 'cancelled', 'unavailable', 'expired')),
  route           TEXT NOT NULL,
  queue           TEXT NOT NULL,
  area            TEXT,
  outcome         TEXT,
  urgent          INTEGER NOT NULL DEFAULT 0,
  reason          TEXT,
  item            TEXT NOT NULL,
  requested_at    INTEGER NOT NULL,
  deadline_at     INTEGER NOT NULL,
  unavailable_at  INTEGER,
  accepted_at     INTEGER,
  accepted_by     TEXT,
  staff_name      TEXT,
  via             TEXT,
  ended_at        INTEGER,
  ended_by        TEXT,
  wrap_up         TEXT,
  updated_at      INTEGER NOT NULL,
  closed_reason   TEXT                     -- why the server closed it (expired): plain words, no personal data
);
INSERT INTO handoffs_new (reference, conversation_id, status, route, queue, area, outcome, urgent, reason, item, requested_at, deadline_at,
                          unavailable_at, accepted_at, accepted_by, staff_name, via, ended_at, ended_by, wrap_up, updated_at)
  SELECT reference, conversation_id, status, route, queue, area, outcome, urgent, reason, item, requested_at, deadline_at,
         unavailable_at, accepted_at, accepted_by, staff_name, via, ended_at, ended_by, wrap_up, updated_at FROM handoffs;
DROP TABLE handoffs;
ALTER TABLE handoffs_new RENAME TO handoffs;
CREATE UNIQUE INDEX one_open_handoff_per_conversation ON handoffs (conversation_id) WHERE status IN ('requested', 'accepted');
CREATE INDEX handoffs_open_by_queue ON handoffs (status, queue, requested_at);
-- Dropping the old table dropped its trigger (010_conversation_hubs.sql): the hub of whoever
-- accepts a handoff still gets to see the conversation.
CREATE TRIGGER conversation_hubs_handoff AFTER UPDATE OF accepted_by ON handoffs WHEN NEW.accepted_by IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO conversation_hubs
    SELECT NEW.conversation_id, substr(s.role, 5), 'handoff', COALESCE(NEW.accepted_at, NEW.updated_at) FROM staff s
    WHERE s.id = NEW.accepted_by AND s.role IN ('hub:east', 'hub:west', 'hub:south');
END;
