-- Conversations and their turns: the durable log of every chat.
-- Times are milliseconds since the Unix epoch (UTC).
CREATE TABLE conversations (
  id             TEXT PRIMARY KEY,
  dialog_id      TEXT NOT NULL,
  dialog_version TEXT NOT NULL,            -- content hash of the dialog file it ran on
  channel        TEXT NOT NULL,            -- web | phone | voice
  started_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  ended_at       INTEGER,
  status         TEXT NOT NULL CHECK (status IN ('active', 'completed', 'abandoned', 'handed_off')),
  outcome        TEXT,                     -- outcome code, once one is reached
  outcome_node   TEXT,
  area           TEXT,                     -- east | west | south, when known
  token_hash     TEXT,                     -- SHA-256 of the resume token; the token itself is never stored
  state          TEXT NOT NULL             -- engine state as JSON, for resume
);
CREATE INDEX conversations_by_start ON conversations (started_at);
CREATE INDEX conversations_by_status ON conversations (status, updated_at);

CREATE TABLE turns (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL,        -- 1, 2, 3... within the conversation
  at              INTEGER NOT NULL,
  node            TEXT,                    -- the node the message was about
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message         TEXT NOT NULL,           -- the message as JSON (out: an array of server messages)
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

-- Every dialog version ever served, so review and replay can show the exact tree.
CREATE TABLE dialog_versions (
  dialog_id      TEXT NOT NULL,
  version        TEXT NOT NULL,
  declared       TEXT NOT NULL,            -- the version string the author wrote
  source_text    TEXT NOT NULL,
  first_served   INTEGER NOT NULL,
  PRIMARY KEY (dialog_id, version)
);

-- One row, rewritten by the readiness probe: proves the database takes writes.
CREATE TABLE health (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL
);
