-- The turns as an ordinary rowid table, keyed as before by (conversation, seq) through the
-- primary key's index. As a WITHOUT ROWID table every row sat in an index b-tree, where
-- anything past about 1 KB spills to an overflow page of its own: most outcome frames did, and
-- each conversation's rows sat in their own part of the tree, so a group commit of many turns
-- wrote many pages mostly empty. Rows are now appended where the last one ended, holding up to
-- a page in place (bench/README.md, issue 18). The table is copied once, at the first start of
-- this version: it takes a while and about the table's size again in disk space and WAL on a
-- large log (docs/deployment.md, "Upgrading").
CREATE TABLE turns_by_rowid (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL,        -- 1, 2, 3... within the conversation
  at              INTEGER NOT NULL,
  node            TEXT,                    -- the node the message was about
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message         TEXT NOT NULL,           -- the message as JSON (out: an array of server messages)
  PRIMARY KEY (conversation_id, seq)
);
INSERT INTO turns_by_rowid (conversation_id, seq, at, node, direction, message)
  SELECT conversation_id, seq, at, node, direction, message FROM turns ORDER BY conversation_id, seq;
DROP TABLE turns;
ALTER TABLE turns_by_rowid RENAME TO turns;
