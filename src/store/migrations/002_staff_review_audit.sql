-- Hub review: staff accounts and tokens, review states and notes, the audit log, legal holds.

CREATE TABLE staff (
  id           TEXT PRIMARY KEY,             -- sign-in name, e.g. "a.khan"
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('hub:east', 'hub:west', 'hub:south', 'admin')),
  created_at   INTEGER NOT NULL,
  disabled_at  INTEGER
);

CREATE TABLE staff_tokens (
  token_hash TEXT PRIMARY KEY,               -- SHA-256 of the token; the token is shown once and never stored
  staff_id   TEXT NOT NULL REFERENCES staff (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE reviews (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
  state           TEXT NOT NULL CHECK (state IN ('new', 'in_progress', 'reviewed', 'needs_follow_up')),
  updated_at      INTEGER NOT NULL,
  updated_by      TEXT NOT NULL
);

-- Notes are kept with author and time and never overwritten.
CREATE TABLE review_notes (
  id              INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  at              INTEGER NOT NULL,
  author          TEXT NOT NULL,
  state           TEXT NOT NULL,
  note            TEXT NOT NULL
);
CREATE INDEX review_notes_by_conversation ON review_notes (conversation_id, id);
CREATE TRIGGER review_notes_are_never_changed BEFORE UPDATE ON review_notes
BEGIN SELECT RAISE(ABORT, 'review notes are never changed'); END;

-- Who read or exported what, when, from where. Each row's hash covers the previous row's
-- hash, so a changed or removed row breaks the chain (rightconv audit verify).
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,                   -- conversation ids or the filter, as JSON
  address   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE TRIGGER audit_is_append_only BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

ALTER TABLE conversations ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_by_area ON conversations (area, started_at);
