-- PostgreSQL form of ../017_turns_by_rowid.sql: nothing to change. A PostgreSQL table is a heap
-- already, and its primary key (conversation_id, seq) is what SQLite's now is. The file keeps
-- the two migration sets numbered alike.
SELECT 1;
