-- Live handoff notices between instances that share a PostgreSQL database (handoff/hub_relay.hpp):
-- what one instance's hub told its own consoles and practitioners, for the others to tell
-- theirs. PostgreSQL announces each row's id with NOTIFY; the row is read from here. Rows live
-- minutes (the relay deletes older ones): the database stays the truth, this only carries the
-- news. Unused on SQLite, where one server holds the file; kept so both schemas are the same.
CREATE TABLE hub_events (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,          -- ms since the epoch
  instance        TEXT NOT NULL,             -- the instance that wrote it (it has told its own already)
  conversation_id TEXT,                      -- when known, so an erasure removes it with the rest
  body            TEXT NOT NULL              -- the notice as JSON
);
CREATE INDEX hub_events_by_time ON hub_events (at);
