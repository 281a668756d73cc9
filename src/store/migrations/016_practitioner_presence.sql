-- Where a practitioner with an open handoff is connected, when instances share a PostgreSQL
-- database (on SQLite the one server knows it itself and writes none): so a console on any
-- instance shows them online, and no instance expires a request whose practitioner is still
-- here on another. Rows of an instance that has fallen silent (instances.seen_at) count for
-- nothing; they are deleted with it. No foreign key: a row lives only while a chat is open.
CREATE TABLE practitioner_presence (
  conversation_id TEXT NOT NULL,
  instance        TEXT NOT NULL,             -- instances.id
  since           INTEGER NOT NULL,          -- ms since the epoch, by the instance's clock
  PRIMARY KEY (conversation_id, instance)
);
