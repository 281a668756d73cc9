-- Handoffs to a person, and the outbox that carries their events to connectors.

CREATE TABLE handoffs (
  reference       TEXT PRIMARY KEY,        -- "HO-7KQ2-M9XD": what the practitioner and staff quote
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  status          TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'ended', 'cancelled', 'unavailable')),
  route           TEXT NOT NULL,
  queue           TEXT NOT NULL,           -- the hub queue that sees it: east | west | south | any
  area            TEXT,
  outcome         TEXT,
  urgent          INTEGER NOT NULL DEFAULT 0,
  reason          TEXT,                    -- the practitioner's words, redacted; purged with free text
  item            TEXT NOT NULL,           -- JSON: what the staff queue shows (path and outcome so far)
  requested_at    INTEGER NOT NULL,
  deadline_at     INTEGER NOT NULL,        -- when the practitioner is told nobody is free
  unavailable_at  INTEGER,                 -- when they were told
  accepted_at     INTEGER,
  accepted_by     TEXT,                    -- staff id, or "<connector>:<peer id>"
  staff_name      TEXT,                    -- the name the practitioner sees
  via             TEXT,                    -- the connector that accepted
  ended_at        INTEGER,
  ended_by        TEXT,
  wrap_up         TEXT,                    -- the note the person ended with
  updated_at      INTEGER NOT NULL
);
-- At most one open handoff per conversation: a second request cannot create a duplicate ticket.
CREATE UNIQUE INDEX one_open_handoff_per_conversation ON handoffs (conversation_id) WHERE status IN ('requested', 'accepted');
CREATE INDEX handoffs_open_by_queue ON handoffs (status, queue, requested_at);

-- Each outbound event for each connector, written in the transaction of the turn that caused
-- it, delivered by the outbox worker. A row is marked delivered only after the peer acknowledged it.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  event_id        TEXT NOT NULL UNIQUE,    -- the idempotency key the peer sees
  connector       TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  reference       TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('requested', 'message', 'accepted', 'cancelled', 'ended')),
  payload         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  window_start    INTEGER NOT NULL,        -- retries give up this long after: created_at, or when an operator retried it
  last_error      TEXT,
  delivered_at    INTEGER
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_conversation ON outbox (connector, conversation_id, id);

-- Connectors an operator or a peer (HTTP 410) switched off.
CREATE TABLE connector_state (
  name        TEXT PRIMARY KEY,
  disabled_at INTEGER,
  reason      TEXT
);

-- Callback ids already applied, per connector: a repeated callback is acknowledged and ignored.
CREATE TABLE connector_callbacks (
  connector   TEXT NOT NULL,
  callback_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (connector, callback_id)
) WITHOUT ROWID;
