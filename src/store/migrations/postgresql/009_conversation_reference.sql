-- PostgreSQL form of ../009_conversation_reference.sql (the same statements).
-- A reference people can read out for every conversation ("EH-7KQ2-M9XD", like a handoff's):
-- made with the conversation, in the transaction of its start, and unique. Conversations from
-- before this migration keep NULL: their summaries printed their id as the reference, so their
-- id stays their reference (COALESCE(reference, id) wherever one is shown or searched).
-- A unique index lets any number of NULLs through in both databases (PostgreSQL: NULLS DISTINCT).
ALTER TABLE conversations ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX conversations_by_reference ON conversations (reference);
