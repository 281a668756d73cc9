-- PostgreSQL form of ../017_turns_by_rowid.sql. A PostgreSQL table is a heap already, so only the
-- keys change to match: the primary key becomes the unique index turns_by_conversation, which
-- also stays the table's replica identity for logical replication.
ALTER TABLE turns DROP CONSTRAINT turns_pkey;
CREATE UNIQUE INDEX turns_by_conversation ON turns (conversation_id, seq);
ALTER TABLE turns REPLICA IDENTITY USING INDEX turns_by_conversation;
